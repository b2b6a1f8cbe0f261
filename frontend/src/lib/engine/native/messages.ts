// The bridge's JSON control messages (docs/MEDIA-BRIDGE.md, "Text frames"), parsed and checked. Go is local
// and ours, but what arrives on a socket is still input: a message that does not match the contract is dropped
// here, so nothing past this file sees a malformed one.
import type { PeerConnectionState } from '../types';

export type VideoSourceName = 'video' | 'screen';

export interface IceCandidateInit {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

export interface EncoderSetting {
  bitrate: number;
  scale: 1 | 2 | 4;
  fps: number;
}

export interface BridgeEvents {
  negotiationneeded: { peer: string };
  icecandidate: { peer: string; candidate: IceCandidateInit | null };
  connectionstate: { peer: string; state: PeerConnectionState };
  track: { peer: string; track: number; kind: 'audio' | 'video'; streamId: string; trackId: string };
  trackended: { peer: string; track: number };
  keyframe: { source: VideoSourceName };
  encoder: { source: VideoSourceName } & EncoderSetting;
  /** Go refused something that had no id to reply to (a malformed request or binary frame): for the log. */
  error: { error: string };
}

export type BridgeEvent = { [K in keyof BridgeEvents]: { op: K } & BridgeEvents[K] }[keyof BridgeEvents];

export interface Reply {
  id: number;
  error?: string;
  fields: Record<string, unknown>;
}

export type Incoming = { reply: Reply } | { event: BridgeEvent };

const STATES: readonly PeerConnectionState[] = ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): v is string => typeof v === 'string';
const peerId = (v: unknown): v is string => str(v) && v.length >= 1 && v.length <= 64;
const trackNo = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
const source = (v: unknown): v is VideoSourceName => v === 'video' || v === 'screen';

/** One text frame from Go, or null when it is not valid JSON or not a message of the contract. */
export function parseIncoming(text: string): Incoming | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObj(m) || !str(m.op)) return null;
  if (m.op === 'reply') {
    if (!Number.isInteger(m.id) || (m.id as number) < 0) return null;
    if (m.error !== undefined && !str(m.error)) return null;
    // id 0: Go could not read a request's id, so the error belongs to no request.
    if (m.id === 0) return { event: { op: 'error', error: str(m.error) ? m.error : 'malformed request' } };
    const { op: _op, id, error, ...fields } = m;
    return { reply: { id: id as number, ...(error !== undefined ? { error: error as string } : {}), fields } };
  }
  const event = parseEvent(m);
  return event ? { event } : null;
}

function parseEvent(m: Obj): BridgeEvent | null {
  switch (m.op) {
    case 'negotiationneeded':
      return peerId(m.peer) ? { op: m.op, peer: m.peer } : null;
    case 'icecandidate': {
      if (!peerId(m.peer)) return null;
      const candidate = m.candidate === null ? null : parseCandidate(m.candidate);
      return candidate === undefined ? null : { op: m.op, peer: m.peer, candidate };
    }
    case 'connectionstate':
      return peerId(m.peer) && STATES.includes(m.state as PeerConnectionState)
        ? { op: m.op, peer: m.peer, state: m.state as PeerConnectionState }
        : null;
    case 'track':
      if (!peerId(m.peer) || !trackNo(m.track) || (m.kind !== 'audio' && m.kind !== 'video') || !str(m.streamId)) return null;
      return { op: m.op, peer: m.peer, track: m.track, kind: m.kind, streamId: m.streamId, trackId: str(m.trackId) ? m.trackId : '' };
    case 'trackended':
      return peerId(m.peer) && trackNo(m.track) ? { op: m.op, peer: m.peer, track: m.track } : null;
    case 'keyframe':
      return source(m.source) ? { op: m.op, source: m.source } : null;
    case 'encoder': {
      if (!source(m.source)) return null;
      const setting = parseEncoderSetting(m);
      return setting ? { op: m.op, source: m.source, ...setting } : null;
    }
    case 'error':
      return str(m.error) ? { op: m.op, error: m.error } : null;
    default:
      return null;
  }
}

/** An ICE candidate init; undefined when malformed (null is a valid "end of candidates" and handled by the caller). */
export function parseCandidate(v: unknown): IceCandidateInit | undefined {
  if (!isObj(v) || !str(v.candidate)) return undefined;
  const c: IceCandidateInit = { candidate: v.candidate };
  if (str(v.sdpMid) || v.sdpMid === null) c.sdpMid = v.sdpMid;
  if (Number.isInteger(v.sdpMLineIndex) || v.sdpMLineIndex === null) c.sdpMLineIndex = v.sdpMLineIndex as number | null;
  if (str(v.usernameFragment) || v.usernameFragment === null) c.usernameFragment = v.usernameFragment;
  return c;
}

/** Bounds are generous: they keep a buggy setting from reaching the encoder, not policy. */
export function parseEncoderSetting(m: Obj): EncoderSetting | null {
  const { bitrate, scale, fps } = m;
  if (typeof bitrate !== 'number' || !Number.isFinite(bitrate) || bitrate < 10_000 || bitrate > 50_000_000) return null;
  if (scale !== 1 && scale !== 2 && scale !== 4) return null;
  if (typeof fps !== 'number' || !Number.isFinite(fps) || fps < 1 || fps > 60) return null;
  return { bitrate: Math.round(bitrate), scale, fps };
}

/** A `setLocal`/`setRemote` reply's signaling state; throws when missing (the proxy cannot guess it). */
export function replySignalingState(fields: Obj): string {
  const s = fields.signalingState;
  const known = ['stable', 'have-local-offer', 'have-remote-offer', 'have-local-pranswer', 'have-remote-pranswer', 'closed'];
  if (!str(s) || !known.includes(s)) throw new Error('media engine: bad signalingState in reply');
  return s;
}

/** A `setLocal` reply's description: {type, sdp} or null. */
export function replyDescription(fields: Obj): { type: 'offer' | 'answer'; sdp: string } | null {
  const d = fields.description;
  if (d === null || d === undefined) return null;
  if (!isObj(d) || (d.type !== 'offer' && d.type !== 'answer') || !str(d.sdp)) throw new Error('media engine: bad description in reply');
  return { type: d.type, sdp: d.sdp };
}

export interface PeerFigures {
  peer: string;
  state: string;
  rttMs: number;
}

/** The `stats` reply's per-peer figures the engine uses (the rest is for --stats and tests on the Go side). */
export function replyPeerFigures(fields: Obj): PeerFigures[] {
  if (!Array.isArray(fields.peers)) return [];
  const out: PeerFigures[] = [];
  for (const p of fields.peers) {
    if (!isObj(p) || !peerId(p.peer)) continue;
    const rtt = typeof p.rttMs === 'number' && Number.isFinite(p.rttMs) && p.rttMs >= 0 ? p.rttMs : 0;
    out.push({ peer: p.peer, state: str(p.state) ? p.state : '', rttMs: rtt });
  }
  return out;
}
