// BridgeClient: the page's end of the media bridge WebSocket (docs/MEDIA-BRIDGE.md). Requests with ids and
// replies, typed events, and binary media both ways. It knows the wire, not peers or codecs.
import { Emitter } from '../../emitter';
import { decodeFrame, encodeSample, type MediaFrame, type SampleSource } from './frames';
import { parseIncoming, type BridgeEvents } from './messages';

/** Where the bridge listens and the token it wants (per launch). */
export interface BridgeAddress {
  url: string;
  token: string;
}

export const STOPPED_MESSAGE = 'The media engine stopped';
const REQUEST_TIMEOUT_MS = 10_000;

/** The part of WebSocket this client uses: a fake in tests. */
export interface SocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((e: unknown) => void) | null;
  onclose: ((e: { code?: number; reason?: string }) => void) | null;
  onerror: ((e: unknown) => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(data: string | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

/** What a peer proxy needs of the bridge (a fake in tests). */
export interface BridgeRequester {
  request(op: string, fields?: Record<string, unknown>): Promise<Record<string, unknown>>;
}

interface Pending {
  resolve: (fields: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type ClientEvents = BridgeEvents & { closed: { reason: string } };

const OPEN = 1;

export function bridgeURL(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export class BridgeClient implements BridgeRequester {
  private readonly events = new Emitter<ClientEvents>();
  private readonly pending = new Map<number, Pending>();
  private socket: SocketLike | null = null;
  private opened: Promise<void> = Promise.reject(new Error('media engine: not connected'));
  private nextId = 1;
  private closedReason = '';
  private frameHandler: (f: MediaFrame) => void = () => {};

  constructor(
    private readonly factory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
  ) {
    this.opened.catch(() => {});
  }

  /** Opens the socket. Requests made before it is open wait for it (and fail with it). */
  connect(address: BridgeAddress): Promise<void> {
    if (this.socket) throw new Error('media engine: already connected');
    let ws: SocketLike;
    try {
      ws = this.factory(bridgeURL(address.url, address.token));
    } catch (err) {
      this.opened = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      this.opened.catch(() => {});
      this.closedReason = STOPPED_MESSAGE;
      return this.opened;
    }
    this.socket = ws;
    ws.binaryType = 'arraybuffer';
    this.opened = new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve();
      // Before open, error and close both mean "could not connect"; after, close ends the session.
      ws.onerror = () => reject(new Error('media engine: could not connect'));
      ws.onclose = (e) => {
        reject(new Error('media engine: could not connect'));
        this.shutdown(e.reason || STOPPED_MESSAGE);
      };
    });
    this.opened.catch(() => {});
    ws.onmessage = (e) => this.message(e.data);
    return this.opened;
  }

  get closed(): boolean {
    return this.closedReason !== '';
  }

  /** Bytes queued on the socket and not yet sent: the encoders drop frames while it is high. */
  get bufferedAmount(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  onFrame(fn: (f: MediaFrame) => void): void {
    this.frameHandler = fn;
  }

  async request(op: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    await this.opened;
    const ws = this.socket;
    if (this.closed || !ws || ws.readyState !== OPEN) throw new Error(this.closedReason || STOPPED_MESSAGE);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`media engine: ${op} timed out`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        ws.send(JSON.stringify({ ...fields, op, id }));
      } catch (err) {
        this.settle(id)?.reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  sendSample(source: SampleSource, keyframe: boolean, durationUs: number, data: Uint8Array): void {
    this.sendPacket(encodeSample(source, keyframe, durationUs, data));
  }

  /** A sample whose header is already written (the encode worker does it, to spare a copy). */
  sendPacket(packet: ArrayBuffer): void {
    const ws = this.socket;
    if (!ws || this.closed || ws.readyState !== OPEN) return;
    ws.send(packet);
  }

  close(): void {
    const ws = this.socket;
    this.shutdown('closed by the page');
    try {
      ws?.close(1000);
    } catch {
      /* already closing */
    }
  }

  private message(data: unknown): void {
    if (data instanceof ArrayBuffer) {
      const frame = decodeFrame(data);
      if (frame) this.frameHandler(frame);
      return;
    }
    if (typeof data !== 'string') return;
    const m = parseIncoming(data);
    if (!m) {
      console.warn('media engine: malformed message dropped');
      return;
    }
    if ('reply' in m) {
      const p = this.settle(m.reply.id);
      if (!p) return; // timed out already, or never ours
      if (m.reply.error !== undefined) p.reject(new Error(m.reply.error));
      else p.resolve(m.reply.fields);
      return;
    }
    const { op, ...payload } = m.event;
    this.events.emit(op, payload as never);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closedReason = reason;
    const ws = this.socket;
    if (ws) ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(new Error(STOPPED_MESSAGE));
    this.events.emit('closed', { reason });
    this.events.clear();
    this.frameHandler = () => {};
  }
}
