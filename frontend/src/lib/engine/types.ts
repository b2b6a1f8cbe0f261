// The one interface the call view talks to. BrowserEngine implements it on RTCPeerConnection (a mesh of one
// connection per peer); a NativeEngine (WebCodecs + the Go media bridge) will implement it for webviews that
// have no RTCPeerConnection. Nothing here may mention RTCPeerConnection or its types: the view and the call
// controller must work with either engine. MediaStream is fine — both engines hand the view playable streams.
import type { IceServer, SignalKind } from '../protocol';

/** What a video stream carries: a participant's camera (with its microphone) or a shared screen. */
export type StreamKind = 'camera' | 'screen';

/** The state of the media connection to one peer (the values of RTCPeerConnectionState, as plain strings). */
export type PeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface DeviceInfo {
  deviceId: string;
  label: string;
  kind: 'audioinput' | 'videoinput';
}

/** What this participant sends. `hasMic`/`hasCamera`: a device is captured at all (else the toggle is moot). */
export interface LocalMediaState {
  mic: boolean;
  camera: boolean;
  screen: boolean;
  hasMic: boolean;
  hasCamera: boolean;
  /** The preview (camera video + microphone), null when neither is captured. */
  cameraStream: MediaStream | null;
  screenStream: MediaStream | null;
  micDeviceId: string;
  cameraDeviceId: string;
}

/** One entry of the test hook's stats() (see call.ts for the hook). */
export interface PeerStat {
  peerId: string;
  kind: StreamKind | 'audio';
  framesDecoded?: number;
  /** Video: the size of the last decoded frame, and the decoder's frame rate, where the engine knows them. */
  width?: number;
  height?: number;
  fps?: number;
  /** The connection's round-trip time now, in ms, where the engine knows it. */
  rttMs?: number;
  rms?: number;
  /** Audio played by the page itself (native engine): its jitter buffer's counters since the track started. */
  underruns?: number;
  concealedMs?: number;
  droppedMs?: number;
  jitterDelayMs?: number;
}

/** The tracks we capture now (null where there is none): for the desktop app's --stats. */
export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
}

export interface EngineEvents {
  /** A peer's stream appeared, changed, or went away (stream null). */
  'remote-stream': { peerId: string; kind: StreamKind; stream: MediaStream | null };
  'peer-connection': { peerId: string; state: PeerConnectionState };
  /** The connection to a peer failed and an ICE restart did not bring it back. */
  'peer-failed': { peerId: string; failed: boolean };
  /** What we send changed (toggles, device switch, screen share started or ended — also from the browser's UI). */
  local: LocalMediaState;
  /** A media problem a person should read (device switch failed, screen share refused, …). */
  error: { message: string };
}

/** How an engine sends signaling to a peer (the room server's `signal` request). */
export type SignalSender = (to: string, kind: SignalKind, data: unknown) => Promise<void>;

export interface CallEngine {
  readonly local: LocalMediaState;
  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): () => void;

  /** Who we are in the room now (the polite/impolite rule uses it) and the room's ICE servers. */
  setSelf(selfId: string, iceServers: readonly IceServer[]): void;
  /** Connects to a peer and offers (we are the newcomer, or we rejoined). */
  call(peerId: string): void;
  /** Signaling from a peer; a connection is made on demand when a peer calls us. */
  handleSignal(from: string, kind: SignalKind, data: unknown): void;
  /** Closes the connection to a peer (it left). */
  hangUp(peerId: string): void;
  /** Closes every peer connection (our id changed after a reconnection: the old connections are dead). */
  hangUpAll(): void;

  setMic(on: boolean): void;
  setCamera(on: boolean): void;
  /** Must be called from a click handler: the browser asks for the screen only during a user gesture. */
  startScreenShare(): Promise<void>;
  stopScreenShare(): void;
  /** Switches a capture device mid-call, without renegotiation where the engine can. */
  useDevice(kind: DeviceInfo['kind'], deviceId: string): Promise<void>;
  listDevices(): Promise<DeviceInfo[]>;

  /** RMS (0..1) of a participant's audio now: a peer id, or 'self'. 0 when there is none. */
  audioLevel(who: string): number;
  stats(): Promise<PeerStat[]>;
  /** The tracks captured now. */
  localTracks(): LocalTracks;
  /** Stops everything: peer connections, capture, audio analysis. */
  close(): void;
}
