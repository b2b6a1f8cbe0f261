// A room session: one signaling connection and one room, with its state kept by the room reducer. It is a
// Svelte-compatible store (subscribe), and plain TypeScript otherwise: tests drive it with a fake client.
// The call view (media) will attach to a session through `client` events later; nothing here knows media.
import { SignalingError, describeError } from './errors';
import type { ChatMessage, JoinRequest, JoinResult } from './protocol';
import { initialRoomState, reduceRoom, type RoomAction, type RoomState } from './room-state';
import { SignalingClient, type ClientEvents, type ConnectOptions, type ConnectionState } from './signaling';

/** The part of SignalingClient a session uses. */
export interface SessionClient {
  readonly state: ConnectionState;
  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void;
  join(req: JoinRequest): Promise<JoinResult>;
  chat(text: string): Promise<ChatMessage>;
  leave(): Promise<void>;
  close(): void;
}

export type Subscriber = (s: RoomState) => void;

export class RoomSession {
  private state: RoomState;
  private readonly subscribers = new Set<Subscriber>();
  private readonly unlisten: (() => void)[] = [];
  private closed = false;

  constructor(
    readonly client: SessionClient,
    private readonly request: JoinRequest,
    /** Where the server is, for display ("" if unknown). */
    readonly server = '',
  ) {
    this.state = initialRoomState(request.room);
    const c = client;
    this.unlisten.push(
      c.on('peer-joined', (peer) => this.dispatch({ type: 'peer-joined', peer })),
      c.on('peer-left', (p) => this.dispatch({ type: 'peer-left', id: p.id, reason: p.reason })),
      c.on('chat', (m) => this.dispatch({ type: 'chat', messages: [m] })),
      c.on('server-closing', (p) => this.dispatch({ type: 'server-closing', reason: p.reason })),
      c.on('state', (s) => this.onConnectionState(s)),
    );
  }

  /** Connects to `server` and joins the room. On failure nothing is left open and the SignalingError is thrown. */
  static async open(server: string, request: JoinRequest, opts?: ConnectOptions): Promise<RoomSession> {
    const client = await SignalingClient.connect(server, opts);
    const session = new RoomSession(client, request, server);
    try {
      await session.join();
    } catch (err) {
      session.close();
      throw err;
    }
    return session;
  }

  /** The current state (for non-Svelte callers and tests). */
  get(): RoomState {
    return this.state;
  }

  /** Svelte store contract: calls `fn` now and on every change; returns the unsubscribe function. */
  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    fn(this.state);
    return () => this.subscribers.delete(fn);
  }

  /** Sends join (again, after a reconnection). Throws the SignalingError of a refused join. */
  async join(): Promise<void> {
    const result = await this.client.join(this.request);
    this.dispatch({ type: 'joined', result });
  }

  /** Sends a chat message; the room's copy (with its id) is merged when the ack arrives. */
  async sendChat(text: string): Promise<void> {
    const message = await this.client.chat(text);
    this.dispatch({ type: 'chat', messages: [message] });
  }

  /** Leaves the room (best effort: the server also drops us when the connection closes) and closes. */
  async leave(): Promise<void> {
    if (this.closed) return;
    if (this.client.state === 'connected' && this.state.phase === 'joined') {
      try {
        await this.client.leave();
      } catch {
        // not-in-room, timeout, disconnected: closing the connection leaves the room all the same
      }
    }
    this.dispatch({ type: 'left' });
    this.close();
  }

  /** Closes the connection and stops listening; the state stays readable. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unlisten) off();
    this.client.close();
  }

  private onConnectionState(s: ConnectionState): void {
    const wasRejoining = this.state.phase === 'rejoining';
    this.dispatch({ type: 'connection', state: s });
    if (s === 'connected' && wasRejoining && !this.closed) {
      this.join().catch((err: unknown) => {
        const notice = `Could not rejoin the room: ${describeError(err)}`;
        if (err instanceof SignalingError && (err.code === 'timeout' || err.code === 'disconnected')) {
          this.dispatch({ type: 'notice', text: notice });
          return; // the next reconnection tries again
        }
        this.dispatch({ type: 'left', notice });
        this.close();
      });
    }
  }

  private dispatch(a: RoomAction): void {
    const next = reduceRoom(this.state, a);
    if (next === this.state) return;
    this.state = next;
    for (const fn of [...this.subscribers]) fn(next);
  }
}
