// Fakes for the tests: a socket.io-client socket and a signaling client, driven by hand. Not bundled: only
// the *.test.ts files import this module.
import type { ChatMessage, JoinRequest, JoinResult, MediaState, SignalKind } from './protocol';
import type { ClientEvents, ConnectionState, SocketLike } from './signaling';
import { Emitter } from './emitter';

/** Returned by a FakeSocket reply function: the server never answers. */
export const NO_ACK = Symbol('no ack');

export class FakeSocket implements SocketLike {
  id: string | undefined = undefined;
  connected = false;
  active = false;
  readonly sent: { event: string; args: unknown[] }[] = [];
  private handlers = new Map<string, Set<(...args: any[]) => void>>();

  /** How the "server" answers each request. */
  constructor(public reply: (event: string, payload: unknown) => unknown = () => ({ ok: true })) {}

  connect() {
    this.active = true;
  }
  disconnect() {
    const was = this.connected;
    this.active = false;
    this.connected = false;
    if (was) this.fire('disconnect', 'io client disconnect');
  }
  on(event: string, fn: (...args: any[]) => void) {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(fn);
  }
  off(event?: string, fn?: (...args: any[]) => void) {
    if (event && fn) this.handlers.get(event)?.delete(fn);
    else if (event) this.handlers.delete(event);
    else this.handlers.clear();
  }
  timeout(ms: number) {
    return {
      emitWithAck: (event: string, ...args: unknown[]): Promise<unknown> => {
        this.sent.push({ event, args });
        const r = this.reply(event, args[0]);
        if (r === NO_ACK) {
          return new Promise((_, reject) => setTimeout(() => reject(new Error('operation has timed out')), ms));
        }
        return Promise.resolve(r);
      },
    };
  }

  // --- the test's side ---
  /** The connection comes up (again) with a new socket id. */
  up(id: string) {
    this.id = id;
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }
  /** The connection drops; socket.io-client keeps trying unless `forGood`. */
  drop(forGood = false) {
    this.connected = false;
    this.active = !forGood;
    this.fire('disconnect', forGood ? 'io server disconnect' : 'transport close');
  }
  fire(event: string, ...args: unknown[]) {
    for (const fn of [...(this.handlers.get(event) ?? [])]) fn(...args);
  }
  listenerCount(event: string): number {
    return this.handlers.get(event)?.size ?? 0;
  }
}

/** A signaling client whose requests the test answers through `joinReply` / `chatReply`. */
export class FakeClient {
  state: ConnectionState = 'connected';
  readonly events = new Emitter<ClientEvents>();
  readonly joins: JoinRequest[] = [];
  readonly chats: string[] = [];
  readonly signals: { to: string; kind: SignalKind; data: unknown }[] = [];
  readonly states: MediaState[] = [];
  leaves = 0;
  closed = false;
  joinReply: (req: JoinRequest) => Promise<JoinResult> = () => Promise.reject(new Error('no join reply set'));
  chatReply: (text: string) => Promise<ChatMessage> = () => Promise.reject(new Error('no chat reply set'));
  leaveReply: () => Promise<void> = () => Promise.resolve();

  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }
  join(req: JoinRequest): Promise<JoinResult> {
    this.joins.push(req);
    return this.joinReply(req);
  }
  chat(text: string): Promise<ChatMessage> {
    this.chats.push(text);
    return this.chatReply(text);
  }
  signal(to: string, kind: SignalKind, data: unknown): Promise<void> {
    this.signals.push({ to, kind, data });
    return Promise.resolve();
  }
  sendState(state: MediaState): Promise<MediaState> {
    this.states.push(state);
    return Promise.resolve(state);
  }
  leave(): Promise<void> {
    this.leaves++;
    return this.leaveReply();
  }
  close(): void {
    this.closed = true;
    this.setState('closed');
  }
  setState(s: ConnectionState) {
    this.state = s;
    this.events.emit('state', s);
  }
}

export function joinResult(selfId: string, selfName: string, extra: Partial<JoinResult> = {}): JoinResult {
  return {
    self: { id: selfId, name: selfName },
    peers: [],
    chat: [],
    iceServers: [],
    room: { name: 'standup', cap: 16 },
    ...extra,
  };
}
