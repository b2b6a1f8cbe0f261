// A room session: one signaling connection and one room, with its state kept by the room reducer. It is a
// Svelte-compatible store (subscribe), and plain TypeScript otherwise: tests drive it with a fake client.
// The call (media) attaches through signal()/onSignal() and setMediaState(); nothing here knows media.
import { SignalingError, describeError } from './errors';
import type { ChatMessage, JoinRequest, JoinResult, MediaState, SignalKind, SignalMessage } from './protocol';
import { initialRoomState, reduceRoom, type RoomAction, type RoomState } from './room-state';
import { SignalingClient, type ClientEvents, type ConnectOptions, type ConnectionState } from './signaling';

/** The part of SignalingClient a session uses. */
export interface SessionClient {
  readonly state: ConnectionState;
  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void;
  join(req: JoinRequest): Promise<JoinResult>;
  chat(text: string): Promise<ChatMessage>;
  signal(to: string, kind: SignalKind, data: unknown): Promise<void>;
  sendState(state: MediaState): Promise<MediaState>;
  leave(): Promise<void>;
  close(): void;
}

export type Subscriber = (s: RoomState) => void;

export class RoomSession {
  private state: RoomState;
  private readonly subscribers = new Set<Subscriber>();
  private readonly unlisten: (() => void)[] = [];
  private closed = false;
  /** What we send, as last told to the room (join carries it, so a rejoin restores it). */
  private media: MediaState | undefined;

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
      c.on('peer-state', (p) => this.dispatch({ type: 'peer-state', id: p.id, state: p.state })),
      c.on('chat', (m) => this.dispatch({ type: 'chat', messages: [m] })),
      c.on('server-closing', (p) => this.dispatch({ type: 'server-closing', reason: p.reason })),
      c.on('state', (s) => this.onConnectionState(s)),
    );
  }

  /**
   * Connects to `server` and joins the room. On failure nothing is left open and the SignalingError is thrown.
   * `media`, when given, is awaited (while connecting) for the state the join announces.
   */
  static async open(server: string, request: JoinRequest, opts?: ConnectOptions, media?: Promise<MediaState>): Promise<RoomSession> {
    const [client, state] = await Promise.all([SignalingClient.connect(server, opts), media]);
    const session = new RoomSession(client, request, server);
    session.media = state;
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
    const result = await this.client.join(this.media ? { ...this.request, state: this.media } : this.request);
    this.dispatch({ type: 'joined', result });
  }

  /** Sends a chat message; the room's copy (with its id) is merged when the ack arrives. */
  async sendChat(text: string): Promise<void> {
    const message = await this.client.chat(text);
    this.dispatch({ type: 'chat', messages: [message] });
  }

  /** Relays WebRTC signaling to a peer of the room. */
  signal(to: string, kind: SignalKind, data: unknown): Promise<void> {
    return this.client.signal(to, kind, data);
  }

  /** Calls `fn` with every signal from a peer; returns the function that stops it. */
  onSignal(fn: (m: SignalMessage) => void): () => void {
    const off = this.client.on('signal', fn);
    this.unlisten.push(off);
    return off;
  }

  /**
   * Tells the room what we send now. Remembered for the next join; sent at once when in the room (a failure
   * is only logged: the next change, or the next join, carries the state again).
   */
  setMediaState(state: MediaState): void {
    this.media = { ...state };
    if (this.closed || this.state.phase !== 'joined' || this.client.state !== 'connected') return;
    this.client.sendState(this.media).catch((err: unknown) => console.warn('state not sent', err));
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
    if (s === 'connected' && wasRejoining && !this.closed) this.rejoin(0);
  }

  /** Joins again after a reconnection; a join that got no answer, or was rate-limited, is retried. */
  private rejoin(attempt: number): void {
    this.join().catch((err: unknown) => {
      if (this.closed) return;
      const notice = `Could not rejoin the room: ${describeError(err)}`;
      if (err instanceof SignalingError && ['timeout', 'disconnected', 'rate-limited'].includes(err.code)) {
        this.dispatch({ type: 'notice', text: notice });
        // Still connected: nothing else would try again. Disconnected: the next reconnection will.
        if (err.code !== 'disconnected') {
          const delay = Math.min(1000 * 2 ** attempt, 10000);
          setTimeout(() => {
            if (!this.closed && this.state.phase === 'rejoining' && this.client.state === 'connected') this.rejoin(attempt + 1);
          }, delay);
        }
        return;
      }
      this.dispatch({ type: 'left', notice });
      this.close();
    });
  }

  private dispatch(a: RoomAction): void {
    const next = reduceRoom(this.state, a);
    if (next === this.state) return;
    this.state = next;
    for (const fn of [...this.subscribers]) fn(next);
  }
}
