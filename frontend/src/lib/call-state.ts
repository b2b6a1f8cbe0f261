// The call as the view shows it, as a pure reducer: what each peer's connection and streams are, who speaks,
// what went wrong. Engine events feed it; tiles() combines it with the room (names, peers' announced state).
import type { MediaState } from './protocol';
import type { LocalMediaState, PeerConnectionState, StreamKind } from './engine/types';
import type { RoomState } from './room-state';

export interface RemoteMedia {
  connection: PeerConnectionState;
  /** An ICE restart did not bring the connection back. */
  failed: boolean;
  camera: MediaStream | null;
  screen: MediaStream | null;
}

export interface CallState {
  local: LocalMediaState;
  remote: Readonly<Record<string, RemoteMedia>>;
  /** Who is speaking: peer ids, and 'self'. */
  speaking: Readonly<Record<string, boolean>>;
  /** Media problems for people to read (capture, device switch, screen share), oldest first. */
  errors: readonly string[];
}

export type CallAction =
  | { type: 'local'; local: LocalMediaState }
  | { type: 'remote-stream'; peerId: string; kind: StreamKind; stream: MediaStream | null }
  | { type: 'peer-connection'; peerId: string; state: PeerConnectionState }
  | { type: 'peer-failed'; peerId: string; failed: boolean }
  /** A peer's connection is gone (it left, or we rejoined with a new id). */
  | { type: 'peer-gone'; peerId: string }
  | { type: 'speaking'; speaking: Record<string, boolean> }
  | { type: 'error'; message: string }
  | { type: 'dismiss-error'; index: number };

/** At most this many error lines at once: the oldest go first. */
const MAX_ERRORS = 3;

export function initialCallState(local: LocalMediaState, errors: readonly string[] = []): CallState {
  return { local, remote: {}, speaking: {}, errors: errors.filter(Boolean) };
}

const EMPTY_REMOTE: RemoteMedia = { connection: 'new', failed: false, camera: null, screen: null };

export function reduceCall(s: CallState, a: CallAction): CallState {
  switch (a.type) {
    case 'local':
      return { ...s, local: a.local };
    case 'remote-stream': {
      const r = s.remote[a.peerId] ?? EMPTY_REMOTE;
      return withRemote(s, a.peerId, { ...r, [a.kind]: a.stream });
    }
    case 'peer-connection': {
      const r = s.remote[a.peerId] ?? EMPTY_REMOTE;
      if (a.state === 'closed') return s.remote[a.peerId] ? withRemote(s, a.peerId, { ...r, connection: 'closed' }) : s;
      return r.connection === a.state ? s : withRemote(s, a.peerId, { ...r, connection: a.state });
    }
    case 'peer-failed': {
      const r = s.remote[a.peerId];
      if (!r || r.failed === a.failed) return s;
      return withRemote(s, a.peerId, { ...r, failed: a.failed });
    }
    case 'peer-gone': {
      if (!(a.peerId in s.remote) && !(a.peerId in s.speaking)) return s;
      const remote = { ...s.remote };
      delete remote[a.peerId];
      const speaking = { ...s.speaking };
      delete speaking[a.peerId];
      return { ...s, remote, speaking };
    }
    case 'speaking': {
      const keys = new Set([...Object.keys(s.speaking), ...Object.keys(a.speaking)]);
      for (const k of keys) if (!!s.speaking[k] !== !!a.speaking[k]) return { ...s, speaking: a.speaking };
      return s;
    }
    case 'error': {
      if (s.errors.includes(a.message)) return s;
      return { ...s, errors: [...s.errors, a.message].slice(-MAX_ERRORS) };
    }
    case 'dismiss-error':
      return { ...s, errors: s.errors.filter((_, i) => i !== a.index) };
  }
}

function withRemote(s: CallState, id: string, r: RemoteMedia): CallState {
  return { ...s, remote: { ...s.remote, [id]: r } };
}

export interface Tile {
  /** Unique per tile: "<peerId>:<kind>". */
  key: string;
  peerId: string;
  kind: StreamKind;
  self: boolean;
  name: string;
  mic: boolean;
  camera: boolean;
  speaking: boolean;
  stream: MediaStream | null;
  /** For remote tiles: the peer connection's state ('new' until one exists). */
  connection: PeerConnectionState | null;
  failed: boolean;
}

const OFF: MediaState = { mic: false, camera: false, screen: false };

/**
 * The tiles, in a stable order: yourself, then the others in the order they joined; a participant's screen
 * right after its camera. A remote camera tile exists as soon as the peer is in the room (before any media);
 * a screen tile only while the peer says it shares.
 */
export function tiles(room: RoomState, call: CallState): Tile[] {
  const out: Tile[] = [];
  const self = room.self;
  if (self) {
    const l = call.local;
    const speaking = !!call.speaking.self && l.mic;
    out.push({ key: `${self.id}:camera`, peerId: self.id, kind: 'camera', self: true, name: self.name, mic: l.mic, camera: l.camera, speaking, stream: l.cameraStream, connection: null, failed: false });
    if (l.screen) {
      out.push({ key: `${self.id}:screen`, peerId: self.id, kind: 'screen', self: true, name: self.name, mic: l.mic, camera: true, speaking: false, stream: l.screenStream, connection: null, failed: false });
    }
  }
  for (const p of room.peers) {
    const st = p.state ?? OFF;
    const r = call.remote[p.id] ?? EMPTY_REMOTE;
    const common = { peerId: p.id, self: false, name: p.name, mic: st.mic, connection: r.connection, failed: r.failed };
    out.push({ ...common, key: `${p.id}:camera`, kind: 'camera', camera: st.camera, speaking: !!call.speaking[p.id] && st.mic, stream: r.camera });
    if (st.screen) out.push({ ...common, key: `${p.id}:screen`, kind: 'screen', camera: true, speaking: false, stream: r.screen });
  }
  return out;
}

/** Everything to show in the error area: media problems, then one line per peer whose connection failed. */
export function callErrors(room: RoomState, call: CallState): string[] {
  const out = [...call.errors];
  for (const p of room.peers) {
    if (call.remote[p.id]?.failed) out.push(`The connection to ${p.name} failed. Their video and audio cannot reach you.`);
  }
  return out;
}

export interface GridLayout {
  cols: number;
  rows: number;
  /** Tile size in pixels. */
  width: number;
  height: number;
}

/**
 * The largest tiles of a given aspect ratio that fit `n` of them in a width×height area with `gap` between
 * them: tries every column count and keeps the one with the biggest tiles (so two people side by side on a
 * wide screen, stacked on a tall one).
 */
export function fitGrid(n: number, width: number, height: number, gap = 12, aspect = 16 / 9): GridLayout {
  let best: GridLayout = { cols: 1, rows: Math.max(1, n), width: 0, height: 0 };
  if (n <= 0 || width <= 0 || height <= 0) return best;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const w = Math.min(cellW, cellH * aspect);
    if (w > best.width) best = { cols, rows, width: Math.floor(w), height: Math.floor(w / aspect) };
  }
  return best;
}

/** Speaking detection with hysteresis: loud above `on`, and stays "speaking" until quiet for `holdMs`. */
export interface SpeakingTracker {
  speaking: boolean;
  lastLoud: number;
}

export const SPEAKING_ON_RMS = 0.02;
export const SPEAKING_HOLD_MS = 600;

export function trackSpeaking(prev: SpeakingTracker | undefined, level: number, now: number): SpeakingTracker {
  if (level >= SPEAKING_ON_RMS) return { speaking: true, lastLoud: now };
  if (!prev) return { speaking: false, lastLoud: -Infinity };
  return { speaking: prev.speaking && now - prev.lastLoud < SPEAKING_HOLD_MS, lastLoud: prev.lastLoud };
}
