// Types of the Parley signaling protocol (docs/PROTOCOL.md, which is authoritative). No runtime code here
// except the lists of codes and kinds, so every module (and the tests) can share them.

/** Stable error codes the server puts in an error ack. */
export const SERVER_ERROR_CODES = [
  'bad-request',
  'unknown-event',
  'already-in-room',
  'not-in-room',
  'unknown-peer',
  'room-full',
  'wrong-password',
  'too-large',
  'rate-limited',
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Codes the client raises itself: the request never got an answer from the server, or the input was refused
 *  before sending. */
export const CLIENT_ERROR_CODES = ['invalid-input', 'unreachable', 'timeout', 'disconnected', 'bad-response'] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];

export type ErrorCode = ServerErrorCode | ClientErrorCode;

export const SIGNAL_KINDS = ['offer', 'answer', 'candidate', 'renegotiate', 'bye'] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export type PeerLeftReason = 'left' | 'disconnected' | 'server-closing';

/** What a member sends: microphone on, camera on, sharing a screen (the `state` request, `peer-state`). */
export interface MediaState {
  mic: boolean;
  camera: boolean;
  screen: boolean;
}

export interface Participant {
  id: string;
  name: string;
  /** Absent when the server did not say (treated as all off). */
  state?: MediaState;
}

export interface ChatMessage {
  id: number;
  from: string;
  name: string;
  text: string;
  ts: number;
}

export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface JoinRequest {
  room: string;
  name: string;
  password?: string;
  state?: MediaState;
}

export interface JoinResult {
  self: Participant;
  peers: Participant[];
  chat: ChatMessage[];
  iceServers: IceServer[];
  room: { name: string; cap: number };
}

export interface SignalMessage {
  from: string;
  kind: SignalKind;
  data: unknown;
}

export interface PeerLeft {
  id: string;
  reason: PeerLeftReason | string;
}

export interface PeerState {
  id: string;
  state: MediaState;
}

export interface ServerClosing {
  reason: string;
}

/** The ack of every request: success carries the result's fields, failure a code and a message. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

/** Server → client events, by name. */
export interface ServerEvents {
  'peer-joined': Participant;
  'peer-left': PeerLeft;
  'peer-state': PeerState;
  signal: SignalMessage;
  chat: ChatMessage;
  'server-closing': ServerClosing;
}
