// The Parley signaling client: the protocol of docs/PROTOCOL.md over socket.io-client v4, typed.
//
//   const client = await SignalingClient.connect('http://192.168.1.20:7800');
//   client.on('peer-joined', (p) => …);
//   const room = await client.join({ room: 'standup', name: 'Ada' });   // throws SignalingError{code}
//   await client.chat('hi');
//   await client.leave();
//   client.close();
//
// Every request waits for its ack with a timeout; failures are SignalingErrors with a stable `code`: the
// server's (room-full, wrong-password, …) or the client's own (invalid-input, unreachable, timeout,
// disconnected, bad-response).
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { isChatMessage } from './chat';
import { Emitter } from './emitter';
import { SignalingError, isServerErrorCode } from './errors';
import {
  SIGNAL_KINDS,
  type ChatMessage,
  type JoinRequest,
  type JoinResult,
  type MediaState,
  type Participant,
  type ServerEvents,
  type SignalKind,
} from './protocol';
import { checkChat, checkName, checkPassword, checkRoom } from './validate';

/**
 * `connecting`: the first connection is being made. `connected`: the socket is up (not necessarily in a room).
 * `reconnecting`: the connection dropped and socket.io-client is retrying; after it comes back the server does
 * not know this client any more (new socket id): join again. `closed`: for good (close(), or the server ended it).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface ClientEvents extends ServerEvents {
  state: ConnectionState;
}

export type Transport = 'websocket' | 'polling';

export interface ConnectOptions {
  /** Default ['websocket', 'polling']: try websocket first, fall back to long-polling. */
  transports?: Transport[];
  /** How long the first connection may take before connect() fails with `unreachable`. Default 8 s. */
  connectTimeoutMs?: number;
  /** How long a request waits for its ack before it fails with `timeout`. Default 8 s. */
  ackTimeoutMs?: number;
  /** Reconnect after a dropped connection (default true), also after the server announced `server-closing`
   *  with reason `shutdown` (never after `host-stopped`: that room is over). */
  reconnection?: boolean;
  /** After `server-closing`, wait this long (plus up to as much again, at random) before reconnecting, so that
   *  a restarting server is not hit by every client at once. Default 2 s. */
  serverRestartDelayMs?: number;
  /** For tests: makes the socket instead of socket.io-client's io(). */
  socketFactory?: (url: string, opts: Partial<ManagerOptions & SocketOptions>) => SocketLike;
}

/** The part of a socket.io-client Socket this client uses. */
export interface SocketLike {
  readonly id: string | undefined;
  readonly connected: boolean;
  readonly active: boolean;
  connect(): unknown;
  disconnect(): unknown;
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event?: string, fn?: (...args: any[]) => void): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

const DEFAULT_TIMEOUT_MS = 8000;

/** The `server-closing` reason of a desktop host that stopped hosting: the room is over, do not reconnect. */
export const HOST_STOPPED = 'host-stopped';

export class SignalingClient {
  private readonly events = new Emitter<ClientEvents>();
  private readonly ackTimeoutMs: number;
  private _state: ConnectionState = 'connecting';
  /** The server said it is shutting down: its disconnect is a restart to wait out, not the end. */
  private serverClosing = false;
  /** The desktop host ended the room (`server-closing` reason `host-stopped`): never reconnect. */
  private hostStopped = false;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private closedByUs = false;

  private constructor(
    private readonly socket: SocketLike,
    readonly url: string,
    ackTimeoutMs: number,
    private readonly restartDelayMs: number | null,
  ) {
    this.ackTimeoutMs = ackTimeoutMs;
    socket.on('connect', () => {
      this.serverClosing = false;
      this.setState('connected');
    });
    socket.on('disconnect', () => {
      if (this.hostStopped) {
        // The room is over: stop socket.io-client's own retries too (it retries when the connection merely drops).
        if (socket.active) socket.disconnect();
        this.setState('closed');
      } else if (socket.active) {
        this.setState('reconnecting');
      } else if (this.serverClosing && !this.closedByUs && this.restartDelayMs !== null) {
        // socket.io-client does not retry after the server ends a connection on purpose; a shutdown is
        // usually a restart (or a deploy), so we try again ourselves, a little later than at once.
        this.setState('reconnecting');
        const delay = this.restartDelayMs * (1 + Math.random());
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (!this.closedByUs) socket.connect();
        }, delay);
      } else {
        this.setState('closed');
      }
    });
    socket.on('connect_error', () => {
      if (this._state !== 'connecting' && !socket.active) this.setState('closed');
    });
    socket.on('peer-joined', (p: unknown) => {
      if (isParticipant(p)) this.events.emit('peer-joined', participant(p));
    });
    socket.on('peer-state', (p: unknown) => {
      const o = p as Record<string, unknown> | null;
      const state = parseMediaState(o?.state);
      if (o && typeof o.id === 'string' && state) this.events.emit('peer-state', { id: o.id, state });
    });
    socket.on('peer-left', (p: unknown) => {
      const o = p as Record<string, unknown> | null;
      if (o && typeof o.id === 'string') {
        this.events.emit('peer-left', { id: o.id, reason: typeof o.reason === 'string' ? o.reason : 'left' });
      }
    });
    socket.on('signal', (p: unknown) => {
      const o = p as Record<string, unknown> | null;
      if (o && typeof o.from === 'string' && isSignalKind(o.kind)) {
        this.events.emit('signal', { from: o.from, kind: o.kind, data: o.data });
      }
    });
    socket.on('chat', (m: unknown) => {
      if (isChatMessage(m)) this.events.emit('chat', m);
    });
    socket.on('server-closing', (p: unknown) => {
      this.serverClosing = true;
      const o = p as Record<string, unknown> | null;
      const reason = o && typeof o.reason === 'string' ? o.reason : '';
      if (reason === HOST_STOPPED) this.hostStopped = true;
      this.events.emit('server-closing', { reason });
    });
  }

  /**
   * Connects to a room server (a base URL such as http://host:7800; Socket.IO is at /socket.io/). Resolves
   * once connected; rejects with `unreachable` if the first attempt fails or takes too long.
   */
  static connect(url: string, opts: ConnectOptions = {}): Promise<SignalingClient> {
    const connectTimeoutMs = opts.connectTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const socketOpts: Partial<ManagerOptions & SocketOptions> = {
      path: '/socket.io/',
      transports: opts.transports ?? ['websocket', 'polling'],
      autoConnect: false,
      forceNew: true,
      reconnection: opts.reconnection ?? true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
      timeout: connectTimeoutMs,
    };
    const socket = (opts.socketFactory ?? io)(url, socketOpts) as SocketLike;
    const reconnect = opts.reconnection ?? true;
    const client = new SignalingClient(socket, url, opts.ackTimeoutMs ?? DEFAULT_TIMEOUT_MS, reconnect ? (opts.serverRestartDelayMs ?? 2000) : null);
    return new Promise((resolve, reject) => {
      const done = (err?: SignalingError) => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        if (err) {
          client.close();
          reject(err);
        } else {
          resolve(client);
        }
      };
      const onConnect = () => done();
      const onError = (e: unknown) =>
        done(new SignalingError('unreachable', e instanceof Error ? e.message : String(e), 'connect'));
      const timer = setTimeout(
        () => done(new SignalingError('unreachable', `no connection within ${connectTimeoutMs} ms`, 'connect')),
        connectTimeoutMs,
      );
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      socket.connect();
    });
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** This connection's participant id (the socket id); it changes on every reconnection. */
  get id(): string | undefined {
    return this.socket.id;
  }

  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  /** Enters a room (creating it if needed). Checks the fields first, as the server would. */
  async join(req: JoinRequest): Promise<JoinResult> {
    const room = checkRoom(req.room);
    if (!room.ok) throw new SignalingError('invalid-input', room.error, 'join');
    const name = checkName(req.name);
    if (!name.ok) throw new SignalingError('invalid-input', name.error, 'join');
    const password = checkPassword(req.password ?? '');
    if (!password.ok) throw new SignalingError('invalid-input', password.error, 'join');
    const payload: JoinRequest = { room: room.value, name: name.value };
    if (password.value !== '') payload.password = password.value;
    if (req.state) payload.state = { mic: !!req.state.mic, camera: !!req.state.camera, screen: !!req.state.screen };
    const ack = await this.request('join', payload);
    return parseJoinResult(ack);
  }

  /** Relays WebRTC signaling to another member of the room. */
  async signal(to: string, kind: SignalKind, data: unknown): Promise<void> {
    if (!isSignalKind(kind)) throw new SignalingError('invalid-input', `unknown signal kind ${String(kind)}`, 'signal');
    await this.request('signal', { to, kind, data });
  }

  /** Sends a chat message; resolves with the message as the room received it. */
  async chat(text: string): Promise<ChatMessage> {
    const checked = checkChat(text);
    if (!checked.ok) throw new SignalingError('invalid-input', checked.error, 'chat');
    const ack = await this.request('chat', { text: checked.value });
    if (!isChatMessage(ack.message)) throw new SignalingError('bad-response', 'chat ack without a message', 'chat');
    return ack.message;
  }

  /** Tells the room what this member sends now (for the others' tiles); resolves with the state as stored. */
  async sendState(state: MediaState): Promise<MediaState> {
    const ack = await this.request('state', { mic: !!state.mic, camera: !!state.camera, screen: !!state.screen });
    return parseMediaState(ack.state) ?? state;
  }

  async leave(): Promise<void> {
    await this.request('leave');
  }

  /** Closes the connection for good (no reconnection) and drops every listener. */
  close(): void {
    this.closedByUs = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.socket.disconnect();
    this.setState('closed');
    this.events.clear();
  }

  /** Sends a request and waits for its ack; returns the success ack or throws a SignalingError. */
  private async request(event: string, payload?: object): Promise<Record<string, unknown>> {
    if (!this.socket.connected) {
      throw new SignalingError('disconnected', 'not connected to the server', event);
    }
    let ack: unknown;
    try {
      const emitter = this.socket.timeout(this.ackTimeoutMs);
      ack = payload === undefined ? await emitter.emitWithAck(event) : await emitter.emitWithAck(event, payload);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new SignalingError(this.socket.connected ? 'timeout' : 'disconnected', detail, event);
    }
    return parseAck(ack, event);
  }

  private setState(s: ConnectionState): void {
    if (s === this._state) return;
    this._state = s;
    this.events.emit('state', s);
  }
}

/** Checks an ack's envelope: returns a success ack, throws the error of a failed one. */
export function parseAck(ack: unknown, request = ''): Record<string, unknown> {
  if (typeof ack !== 'object' || ack === null) {
    throw new SignalingError('bad-response', 'the ack is not an object', request);
  }
  const a = ack as Record<string, unknown>;
  if (a.ok === true) return a;
  if (a.ok === false && typeof a.error === 'object' && a.error !== null) {
    const e = a.error as Record<string, unknown>;
    const message = typeof e.message === 'string' ? e.message : '';
    if (isServerErrorCode(e.code)) throw new SignalingError(e.code, message, request);
    throw new SignalingError('bad-response', `unknown error code ${String(e.code)}: ${message}`, request);
  }
  throw new SignalingError('bad-response', 'the ack has no ok field', request);
}

export function parseJoinResult(a: Record<string, unknown>): JoinResult {
  const bad = (what: string) => new SignalingError('bad-response', `join ack: ${what}`, 'join');
  if (!isParticipant(a.self)) throw bad('no self');
  if (!Array.isArray(a.peers) || !a.peers.every(isParticipant)) throw bad('bad peers');
  const chat = Array.isArray(a.chat) ? a.chat.filter(isChatMessage) : [];
  const iceServers = Array.isArray(a.iceServers) ? a.iceServers.filter(isIceServer) : [];
  const r = (a.room ?? {}) as Record<string, unknown>;
  return {
    self: participant(a.self),
    peers: a.peers.map(participant),
    chat,
    iceServers,
    room: { name: typeof r.name === 'string' ? r.name : '', cap: typeof r.cap === 'number' ? r.cap : 0 },
  };
}

function isParticipant(v: unknown): v is Participant {
  const o = v as Record<string, unknown> | null;
  return typeof o === 'object' && o !== null && typeof o.id === 'string' && typeof o.name === 'string';
}

/** A participant with only the known fields; `state` only when the server sent a well-formed one. */
function participant(p: Participant): Participant {
  const state = parseMediaState(p.state);
  return state ? { id: p.id, name: p.name, state } : { id: p.id, name: p.name };
}

/** `{mic, camera, screen}`: absent fields are false (as the server reads them); anything not an object is null. */
export function parseMediaState(v: unknown): MediaState | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  return { mic: o.mic === true, camera: o.camera === true, screen: o.screen === true };
}

function isSignalKind(v: unknown): v is SignalKind {
  return typeof v === 'string' && (SIGNAL_KINDS as readonly string[]).includes(v);
}

function isIceServer(v: unknown): v is JoinResult['iceServers'][number] {
  const o = v as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null) return false;
  return typeof o.urls === 'string' || (Array.isArray(o.urls) && o.urls.every((u) => typeof u === 'string'));
}
