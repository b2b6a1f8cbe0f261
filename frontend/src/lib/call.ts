// The call controller: wires a room session (signaling, who is in the room) to a call engine (media) and keeps
// the call state the view renders. Plain TypeScript, a Svelte-compatible store; no DOM except the test hook.
//
// Who connects to whom: when we join (or rejoin, with a new id) we call every peer already in the room; peers
// that join later call us (docs/PROTOCOL.md: the newcomer offers), and the engine answers on demand. After a
// reconnection every peer knows us under a new id, so all old connections are torn down and made anew.
import { initialCallState, reduceCall, trackSpeaking, type CallAction, type CallState, type SpeakingTracker } from './call-state';
import type { CallEngine, LocalMediaState, PeerStat } from './engine/types';
import type { MediaState, SignalKind, SignalMessage } from './protocol';
import type { RoomState } from './room-state';

/** The part of RoomSession the call uses. */
export interface CallSession {
  get(): RoomState;
  subscribe(fn: (s: RoomState) => void): () => void;
  signal(to: string, kind: SignalKind, data: unknown): Promise<void>;
  onSignal(fn: (m: SignalMessage) => void): () => void;
  setMediaState(state: MediaState): void;
}

/** The speaking indicator is refreshed this often. */
const SPEAKING_POLL_MS = 150;

export function mediaState(l: LocalMediaState): MediaState {
  return { mic: l.mic, camera: l.camera, screen: l.screen };
}

/**
 * The read-only test hook, `window.__parley`, installed while a call view is mounted. The end-to-end tests
 * read it; it exposes nothing a page script could not see anyway (ids, and media statistics), so it is
 * harmless in production.
 *   selfId()  our participant id (undefined before the join ack)
 *   peerIds() the other participants' ids
 *   stats()   per remote peer: {peerId, kind:'camera'|'screen', framesDecoded} from its connection's inbound
 *             video (matched to camera/screen by the stream map), and {peerId, kind:'audio', rms} — the RMS
 *             (0..1) of its audio now, from an AnalyserNode (headless Chromium reports audioLevel 0). The
 *             native engine adds its audio jitter buffer's counters (underruns, concealedMs, droppedMs,
 *             jitterDelayMs) to the audio entries.
 *   engine()  which media engine the call runs on: 'browser' or 'native' (set by the view)
 *   glass()   with ?stamp=1 only: glass-to-glass latencies per peer since the last call (bench/stamp.ts)
 */
export interface ParleyTestHook {
  selfId(): string | undefined;
  peerIds(): string[];
  stats(): Promise<PeerStat[]>;
  engine?(): 'browser' | 'native';
  /** With ?stamp=1 (make bench): glass-to-glass latencies (ms) per peer since the last call. */
  glass?(): Record<string, number[]>;
}

export class CallController {
  private state: CallState;
  private room: RoomState;
  private readonly subscribers = new Set<(s: CallState) => void>();
  private readonly offs: (() => void)[] = [];
  private selfId = '';
  private known = new Set<string>();
  private speakers = new Map<string, SpeakingTracker>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(
    private readonly session: CallSession,
    readonly engine: CallEngine,
    /** What capture could not get, for the error area ("" if all is well). */
    captureNote = '',
    private readonly now: () => number = () => Date.now(),
  ) {
    this.room = session.get();
    this.state = initialCallState(engine.local, captureNote ? [captureNote] : []);
  }

  start(): void {
    const e = this.engine;
    this.offs.push(
      e.on('local', (local) => {
        this.dispatch({ type: 'local', local });
        this.session.setMediaState(mediaState(local));
      }),
      e.on('remote-stream', (p) => this.dispatch({ type: 'remote-stream', ...p })),
      e.on('peer-connection', (p) => this.dispatch({ type: 'peer-connection', ...p })),
      e.on('peer-failed', (p) => this.dispatch({ type: 'peer-failed', ...p })),
      e.on('error', (p) => this.dispatch({ type: 'error', message: p.message })),
      this.session.onSignal((m) => {
        if (!this.stopped) e.handleSignal(m.from, m.kind, m.data);
      }),
      this.session.subscribe((room) => this.roomChanged(room)),
    );
    // The join announced a guess or nothing: say what we really send.
    this.session.setMediaState(mediaState(e.local));
    if (typeof setInterval !== 'undefined') this.timer = setInterval(() => this.pollSpeaking(), SPEAKING_POLL_MS);
  }

  get(): CallState {
    return this.state;
  }

  subscribe(fn: (s: CallState) => void): () => void {
    this.subscribers.add(fn);
    fn(this.state);
    return () => this.subscribers.delete(fn);
  }

  toggleMic(): void {
    if (this.state.local.hasMic) this.engine.setMic(!this.state.local.mic);
  }

  toggleCamera(): void {
    if (this.state.local.hasCamera) this.engine.setCamera(!this.state.local.camera);
  }

  /** Call from the click handler itself (user gesture). */
  toggleScreen(): Promise<void> {
    if (this.state.local.screen) {
      this.engine.stopScreenShare();
      return Promise.resolve();
    }
    return this.engine.startScreenShare();
  }

  dismissError(index: number): void {
    this.dispatch({ type: 'dismiss-error', index });
  }

  hook(): ParleyTestHook {
    return {
      selfId: () => this.room.self?.id,
      peerIds: () => this.room.peers.map((p) => p.id),
      stats: () => this.engine.stats(),
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const off of this.offs) off();
    this.engine.close();
    this.subscribers.clear();
  }

  private roomChanged(room: RoomState): void {
    this.room = room;
    if (this.stopped) return;
    if (room.phase === 'left') {
      this.forgetAll();
      return;
    }
    if (room.phase !== 'joined' || !room.self) return; // rejoining: keep the media flowing while we can
    const ids = new Set(room.peers.map((p) => p.id));
    if (room.self.id !== this.selfId) {
      this.forgetAll();
      this.selfId = room.self.id;
      this.engine.setSelf(room.self.id, room.iceServers);
      this.known = ids;
      for (const id of ids) this.engine.call(id);
      return;
    }
    for (const id of this.known) {
      if (!ids.has(id)) {
        this.engine.hangUp(id);
        this.dispatch({ type: 'peer-gone', peerId: id });
      }
    }
    this.known = ids; // newcomers call us
  }

  private forgetAll(): void {
    this.engine.hangUpAll();
    for (const id of [...this.known, ...Object.keys(this.state.remote)]) this.dispatch({ type: 'peer-gone', peerId: id });
    this.known = new Set();
    this.speakers.clear();
  }

  private pollSpeaking(): void {
    const t = this.now();
    const speaking: Record<string, boolean> = {};
    for (const who of ['self', ...this.known]) {
      const next = trackSpeaking(this.speakers.get(who), this.engine.audioLevel(who), t);
      this.speakers.set(who, next);
      if (next.speaking) speaking[who] = true;
    }
    this.dispatch({ type: 'speaking', speaking });
  }

  private dispatch(a: CallAction): void {
    const next = reduceCall(this.state, a);
    if (next === this.state) return;
    this.state = next;
    for (const fn of [...this.subscribers]) fn(next);
  }
}
