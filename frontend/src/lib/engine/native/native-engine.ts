// NativeEngine: the CallEngine for webviews without RTCPeerConnection. The page captures and encodes (WebCodecs)
// and decodes and plays; the Go media engine runs the peer connections behind the bridge socket
// (docs/MEDIA-BRIDGE.md). Signaling, negotiation and the events the view sees are the same as BrowserEngine's.
import { Emitter } from '../../emitter';
import type { IceServer, SignalKind } from '../../protocol';
import type { Captured } from '../capture';
import { captureScreen, listDevices, reopenDevice } from '../devices';
import { initialLocal, nextLocal } from '../local-state';
import { isPolite } from '../negotiator';
import { kindOfStream, parseStreamMap, type StreamMap } from '../stream-kinds';
import type { CallEngine, DeviceInfo, EngineEvents, LocalMediaState, LocalTracks, PeerStat, SignalSender, StreamKind } from '../types';
import { AudioGraph } from './audio-graph';
import { AudioReceiver } from './audio-receiver';
import { AudioSender } from './audio-sender';
import { BridgeClient, STOPPED_MESSAGE, type BridgeAddress, type BridgeRequester } from './bridge';
import { CAMERA_DEFAULTS, SCREEN_DEFAULTS } from './encoder-settings';
import { SOURCE_AUDIO, SOURCE_SCREEN, SOURCE_VIDEO } from './frames';
import { replyPeerFigures, type BridgeEvents, type VideoSourceName } from './messages';
import { NativePeer } from './native-peer';
import { VideoReceiver } from './video-receiver';
import { VideoSender } from './video-sender';
import { rms } from '../audio-level';

export const NO_BRIDGE_MESSAGE = 'The media engine is not available here, so video calls cannot start. Chat works.';

interface RemoteTrack {
  peer: string;
  streamId: string;
  video: VideoReceiver | null;
  audio: AudioReceiver | null;
}

export class NativeEngine implements CallEngine {
  private readonly events = new Emitter<EngineEvents>();
  private readonly bridge: BridgeClient;
  private readonly connected: Promise<void>;
  private readonly requester: BridgeRequester = { request: (op, fields) => this.request(op, fields) };
  private readonly peers = new Map<string, NativePeer>();
  private readonly tracks = new Map<number, RemoteTrack>();
  private readonly graph: AudioGraph | null;
  private audio: MediaStreamTrack | null;
  private video: MediaStreamTrack | null;
  private screenStream: MediaStream | null = null;
  private audioSender: AudioSender | null = null;
  private cameraSender: VideoSender | null = null;
  private screenSender: VideoSender | null = null;
  /** Our stream ids → camera/screen, from Go's `sources` reply: sent with every offer and answer. */
  private localMap: StreamMap = {};
  private selfId = '';
  private state: LocalMediaState;
  /** Why there is no media (no bridge, or it stopped); shown once. */
  private failure = '';
  private failureShown = false;
  private closed = false;
  private readonly glassSamples = new Map<string, number[]>();

  constructor(
    captured: Captured,
    private readonly sendSignal: SignalSender,
    address: BridgeAddress | null | Promise<BridgeAddress | null>,
    bridge: BridgeClient = new BridgeClient(),
    /** make bench: stamp our camera in the encoder, read the others' stamps as frames are drawn. */
    private readonly stamp = false,
  ) {
    this.bridge = bridge;
    this.audio = captured.audio;
    this.video = captured.video;
    this.state = initialLocal(this.audio, this.video);
    this.graph = makeGraph();
    this.wireBridge();
    this.connected = Promise.resolve(address).then((a) => {
      if (!a) throw new Error(NO_BRIDGE_MESSAGE);
      if (this.closed) throw new Error('closed');
      return this.bridge.connect(a);
    });
    this.connected.catch((err: unknown) => this.fail(err instanceof Error && err.message === NO_BRIDGE_MESSAGE ? NO_BRIDGE_MESSAGE : STOPPED_MESSAGE));
    if (this.audio) this.startAudio(this.audio);
    if (this.video) this.cameraSender = this.videoSender(this.video, SOURCE_VIDEO);
    this.updateSources();
  }

  get local(): LocalMediaState {
    return this.state;
  }

  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  setSelf(selfId: string, iceServers: readonly IceServer[]): void {
    this.selfId = selfId;
    this.request('hello', { iceServers }).catch((err: unknown) => console.warn('media engine: hello failed', err));
  }

  call(peerId: string): void {
    // Go's new connection fires negotiationneeded (it always has transceivers): the offer goes out by itself.
    this.peer(peerId);
  }

  handleSignal(from: string, kind: SignalKind, data: unknown): void {
    if (kind === 'bye') {
      this.hangUp(from);
      return;
    }
    void this.peer(from)?.receive(kind, data);
  }

  hangUp(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    for (const [no, t] of this.tracks) if (t.peer === peerId) this.dropTrack(no, false);
    peer.close(!this.failure);
  }

  hangUpAll(): void {
    for (const id of [...this.peers.keys()]) this.hangUp(id);
  }

  setMic(on: boolean): void {
    // Disabled, the track gives silence: packets keep flowing and the receivers' timing holds.
    if (this.audio) this.audio.enabled = on;
    this.update({ mic: on && !!this.audio });
  }

  setCamera(on: boolean): void {
    // Off: no frames are encoded (the others show the avatar from the room's state); on: a keyframe first.
    if (this.video) this.video.enabled = on;
    this.cameraSender?.setPaused(!on);
    this.update({ camera: on && !!this.video });
  }

  async startScreenShare(): Promise<void> {
    if (this.screenStream) return;
    // Before any await: the click's user activation must still be there.
    const stream = await captureScreen(
      SCREEN_DEFAULTS.fps,
      (ended) => this.screenStream === ended && this.stopScreenShare(),
      (message) => this.events.emit('error', { message }),
    );
    if (!stream) return;
    // A second click while the first picker was open: keep the share we have.
    if (this.screenStream) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    const track = stream.getVideoTracks()[0];
    if (this.closed) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    this.screenStream = stream;
    this.screenSender = this.videoSender(track, SOURCE_SCREEN);
    this.updateSources();
    this.update({ screen: true, screenStream: stream });
  }

  stopScreenShare(): void {
    const stream = this.screenStream;
    if (!stream) return;
    this.screenStream = null;
    this.screenSender?.close();
    this.screenSender = null;
    stream.getTracks().forEach((t) => t.stop());
    this.updateSources();
    this.update({ screen: false, screenStream: null });
  }

  async useDevice(kind: DeviceInfo['kind'], deviceId: string): Promise<void> {
    const isVideo = kind === 'videoinput';
    const old = isVideo ? this.video : this.audio;
    if (old && old.getSettings().deviceId === deviceId) return;
    const track = await reopenDevice(kind, deviceId, old, (message) => this.events.emit('error', { message }));
    if (!track || this.closed) {
      track?.stop();
      if (isVideo && old) {
        // The old camera was stopped for nothing: we now send no video.
        this.video = null;
        this.cameraSender?.close();
        this.cameraSender = null;
        this.updateSources();
        this.update({ camera: false, hasCamera: false });
      }
      return;
    }
    // Keep the on/off choice across the switch.
    track.enabled = isVideo ? this.state.camera || !old : this.state.mic || !old;
    old?.stop();
    if (isVideo) {
      this.video = track;
      if (this.cameraSender) this.cameraSender.setTrack(track); // no renegotiation: the encoder just gets new frames
      else {
        this.cameraSender = this.videoSender(track, SOURCE_VIDEO);
        this.updateSources();
      }
      this.cameraSender.setPaused(!track.enabled);
      this.update({ hasCamera: true, camera: track.enabled });
    } else {
      this.audio = track;
      if (this.audioSender) this.audioSender.setTrack(track);
      else {
        this.startAudio(track);
        this.updateSources();
      }
      this.update({ hasMic: true, mic: track.enabled });
    }
  }

  listDevices(): Promise<DeviceInfo[]> {
    return listDevices();
  }

  audioLevel(who: string): number {
    if (who === 'self') {
      if (!this.audioSender || !this.audio?.enabled) return 0;
      const { analyser, buf } = this.audioSender.levelAnalyser();
      analyser.getFloatTimeDomainData(buf);
      return rms(buf);
    }
    return this.audioReceiver(who)?.level() ?? 0;
  }

  async stats(): Promise<PeerStat[]> {
    const rtt = new Map<string, number>();
    try {
      for (const p of replyPeerFigures(await this.request('stats'))) rtt.set(p.peer, p.rttMs);
    } catch {
      /* figures without the round-trip time */
    }
    const out: PeerStat[] = [];
    for (const t of this.tracks.values()) {
      const peer = this.peers.get(t.peer);
      if (!t.video || !peer) continue;
      out.push({ peerId: t.peer, kind: kindOfStream(peer.remoteMap, t.streamId), ...t.video.figures(), rttMs: rtt.get(t.peer) ?? 0 });
    }
    for (const id of this.peers.keys()) {
      const j = this.audioReceiver(id)?.jitterStats();
      out.push({
        peerId: id,
        kind: 'audio',
        rms: this.audioLevel(id),
        ...(j ? { underruns: j.underruns, concealedMs: j.concealedMs, droppedMs: j.droppedMs, jitterDelayMs: j.delayMs } : {}),
      });
    }
    return out;
  }

  localTracks(): LocalTracks {
    return { audio: this.audio, video: this.video, screen: this.screenStream?.getVideoTracks()[0] ?? null };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.hangUpAll();
    for (const no of [...this.tracks.keys()]) this.dropTrack(no, false);
    this.audioSender?.close();
    this.cameraSender?.close();
    this.screenSender?.close();
    this.screenStream?.getTracks().forEach((t) => t.stop());
    this.audio?.stop();
    this.video?.stop();
    this.graph?.close();
    this.bridge.close();
    this.events.clear();
  }

  private request(op: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    // Every request waits for the socket; they leave in the order they were made.
    return this.connected.then(() => this.bridge.request(op, fields));
  }

  private peer(peerId: string): NativePeer | null {
    const existing = this.peers.get(peerId);
    if (existing || this.closed) return existing ?? null;
    if (this.failure) {
      this.showFailure();
      return null;
    }
    const peer = new NativePeer(peerId, isPolite(this.selfId, peerId), this.requester, {
      send: (kind, data) =>
        void this.sendSignal(peerId, kind, data).catch((err: unknown) => console.warn(`signal ${kind} to ${peerId} failed`, err)),
      localStreams: () => this.localMap,
      state: (state) => this.events.emit('peer-connection', { peerId, state }),
      failed: (failed) => this.events.emit('peer-failed', { peerId, failed }),
    });
    this.peers.set(peerId, peer);
    this.events.emit('peer-connection', { peerId, state: 'new' });
    peer.open().catch((err: unknown) => console.warn(`media engine: open ${peerId} failed`, err));
    return peer;
  }

  private wireBridge(): void {
    const b = this.bridge;
    b.on('negotiationneeded', ({ peer }) => void this.peers.get(peer)?.negotiationNeeded());
    b.on('icecandidate', ({ peer, candidate }) => this.peers.get(peer)?.localCandidate(candidate));
    b.on('connectionstate', ({ peer, state }) => this.peers.get(peer)?.connectionState(state));
    b.on('track', (t) => this.trackStarted(t));
    b.on('trackended', ({ track }) => this.dropTrack(track, true));
    b.on('keyframe', ({ source }) => this.sender(source)?.keyframe());
    b.on('encoder', ({ source, ...setting }) => this.sender(source)?.configure(setting));
    b.on('error', ({ error }) => console.warn('media engine refused a message:', error));
    b.on('closed', () => this.fail(STOPPED_MESSAGE));
    b.onFrame((f) => {
      const t = this.tracks.get(f.track);
      if (t) (t.video ?? t.audio)?.push(f);
    });
  }

  private sender(source: VideoSourceName): VideoSender | null {
    return source === 'video' ? this.cameraSender : this.screenSender;
  }

  private trackStarted({ peer, track, kind, streamId }: BridgeEvents['track']): void {
    if (!this.peers.has(peer)) return; // hung up meanwhile
    this.dropTrack(track, true);
    if (kind === 'audio') {
      if (!this.graph) return;
      this.tracks.set(track, { peer, streamId, video: null, audio: new AudioReceiver(this.graph) });
      return;
    }
    const video = new VideoReceiver(
      (stream) => {
        const p = this.peers.get(peer);
        if (p) this.events.emit('remote-stream', { peerId: peer, kind: kindOfStream(p.remoteMap, streamId), stream });
      },
      this.stamp ? (ms) => this.glassSample(peer, streamId, ms) : null,
      () => this.request('keyframe', { track }).catch(() => {}), // the track may have ended meanwhile
    );
    this.tracks.set(track, { peer, streamId, video, audio: null });
  }

  /** Stops a remote track; `tell` the view when it was showing (not when the whole peer goes). */
  private dropTrack(no: number, tell: boolean): void {
    const t = this.tracks.get(no);
    if (!t) return;
    this.tracks.delete(no);
    t.audio?.close();
    if (!t.video) return;
    const shown = t.video.started;
    t.video.close();
    const peer = this.peers.get(t.peer);
    if (!tell || !shown || !peer) return;
    const kind: StreamKind = kindOfStream(peer.remoteMap, t.streamId);
    // Another live track of the same kind (a renegotiated replacement) keeps the tile.
    for (const o of this.tracks.values()) if (o.peer === t.peer && o.video?.started && kindOfStream(peer.remoteMap, o.streamId) === kind) return;
    this.events.emit('remote-stream', { peerId: t.peer, kind, stream: null });
  }

  private audioReceiver(peerId: string): AudioReceiver | null {
    for (const t of this.tracks.values()) if (t.peer === peerId && t.audio) return t.audio;
    return null;
  }

  private startAudio(track: MediaStreamTrack): void {
    if (!this.graph) return;
    this.audioSender = new AudioSender(this.graph, track, (opus) => this.bridge.sendSample(SOURCE_AUDIO, false, 20_000, opus));
  }

  /** make bench: glass-to-glass latencies per peer's camera since the last call. */
  glass(): Record<string, number[]> {
    const out = Object.fromEntries(this.glassSamples);
    this.glassSamples.clear();
    return out;
  }

  private glassSample(peer: string, streamId: string, ms: number): void {
    const p = this.peers.get(peer);
    if (!p || kindOfStream(p.remoteMap, streamId) !== 'camera') return;
    const list = this.glassSamples.get(peer) ?? [];
    if (list.length < 1000) list.push(ms);
    this.glassSamples.set(peer, list);
  }

  private videoSender(track: MediaStreamTrack, source: typeof SOURCE_VIDEO | typeof SOURCE_SCREEN): VideoSender {
    const defaults = source === SOURCE_SCREEN ? SCREEN_DEFAULTS : CAMERA_DEFAULTS;
    return new VideoSender(track, {
      source,
      ...defaults,
      stamp: this.stamp && source === SOURCE_VIDEO,
      send: (packet) => this.bridge.sendPacket(packet),
      buffered: () => this.bridge.bufferedAmount,
    });
  }

  /** Tells Go what we send; its reply names our streams. */
  private updateSources(): void {
    const sources = { audio: !!this.audioSender, video: !!this.cameraSender, screen: !!this.screenSender };
    this.request('sources', sources).then(
      (f) => (this.localMap = parseStreamMap(f.streams)),
      (err: unknown) => {
        if (!this.failure) console.warn('media engine: sources failed', err);
      },
    );
  }

  /** The bridge is gone (or never came): every peer has failed; the call's chat goes on. */
  private fail(message: string): void {
    if (this.closed || this.failure) return;
    this.failure = message;
    for (const [id, peer] of [...this.peers]) {
      this.peers.delete(id);
      for (const [no, t] of [...this.tracks]) if (t.peer === id) this.dropTrack(no, false);
      peer.close(false);
      for (const kind of ['camera', 'screen'] as const) this.events.emit('remote-stream', { peerId: id, kind, stream: null });
      this.events.emit('peer-connection', { peerId: id, state: 'failed' });
      this.events.emit('peer-failed', { peerId: id, failed: true });
    }
    // Said now, and once more when a peer shows up (this may run before the view listens).
    this.events.emit('error', { message });
  }

  private showFailure(): void {
    if (this.failureShown) return;
    this.failureShown = true;
    this.events.emit('error', { message: this.failure });
  }

  private update(change: Partial<LocalMediaState>): void {
    this.state = nextLocal(this.state, change, this.audio, this.video);
    this.events.emit('local', this.state);
  }
}

function makeGraph(): AudioGraph | null {
  if (typeof AudioContext === 'undefined' || typeof AudioWorkletNode === 'undefined') return null;
  try {
    return new AudioGraph();
  } catch (err) {
    console.warn('media engine: no audio', err);
    return null;
  }
}
