// BrowserEngine: the CallEngine on the browser's own RTCPeerConnection — a mesh, one BrowserPeer per peer.
// It owns what we send (camera, microphone, screen) and hands the view remote streams through events.
import { Emitter } from '../emitter';
import type { IceServer, SignalKind } from '../protocol';
import { AudioLevels } from './audio-level';
import { BrowserPeer } from './browser-peer';
import type { Captured } from './capture';
import { captureScreen, listDevices, reopenDevice } from './devices';
import { initialLocal, nextLocal } from './local-state';
import { isPolite } from './negotiator';
import { localStreamMap } from './stream-kinds';
import type { CallEngine, DeviceInfo, EngineEvents, LocalMediaState, LocalTracks, PeerStat, SignalSender } from './types';

export class BrowserEngine implements CallEngine {
  private readonly events = new Emitter<EngineEvents>();
  private readonly peers = new Map<string, BrowserPeer>();
  private readonly levels = new AudioLevels();
  /** The stream our camera and microphone tracks are announced with; its id never changes. */
  private readonly cameraStream = new MediaStream();
  private audio: MediaStreamTrack | null;
  private video: MediaStreamTrack | null;
  private screenStream: MediaStream | null = null;
  private selfId = '';
  private iceServers: readonly IceServer[] = [];
  private state: LocalMediaState;
  private closed = false;

  constructor(
    captured: Captured,
    private readonly sendSignal: SignalSender,
  ) {
    this.audio = captured.audio;
    this.video = captured.video;
    if (this.audio) this.cameraStream.addTrack(this.audio);
    if (this.video) this.cameraStream.addTrack(this.video);
    this.levels.watch('self', this.audio);
    this.state = initialLocal(this.audio, this.video);
  }

  static supported(): boolean {
    return typeof RTCPeerConnection !== 'undefined';
  }

  get local(): LocalMediaState {
    return this.state;
  }

  on<K extends keyof EngineEvents>(event: K, fn: (payload: EngineEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  setSelf(selfId: string, iceServers: readonly IceServer[]): void {
    this.selfId = selfId;
    this.iceServers = iceServers;
  }

  call(peerId: string): void {
    // Adding our tracks fires negotiationneeded: the offer goes out by itself.
    this.peer(peerId);
  }

  handleSignal(from: string, kind: SignalKind, data: unknown): void {
    if (kind === 'bye') {
      this.hangUp(from);
      return;
    }
    const peer = this.peer(from);
    peer?.receive(kind, data);
  }

  hangUp(peerId: string): void {
    const peer = this.peers.get(peerId);
    if (!peer) return;
    this.peers.delete(peerId);
    peer.close();
    this.levels.watch(peerId, null);
  }

  hangUpAll(): void {
    for (const id of [...this.peers.keys()]) this.hangUp(id);
  }

  setMic(on: boolean): void {
    if (this.audio) this.audio.enabled = on;
    this.update({ mic: on && !!this.audio });
  }

  setCamera(on: boolean): void {
    // enabled=false sends black frames at a trickle: no renegotiation, and turning it back on is instant.
    if (this.video) this.video.enabled = on;
    this.update({ camera: on && !!this.video });
  }

  async startScreenShare(): Promise<void> {
    if (this.screenStream) return;
    // Before any await: the click's user activation must still be there.
    const stream = await captureScreen(
      15,
      (ended) => this.screenStream === ended && this.stopScreenShare(),
      (message) => this.events.emit('error', { message }),
    );
    if (!stream) return;
    // A second click while the first picker was open: keep the share we have.
    if (this.screenStream) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    if (this.closed) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    this.screenStream = stream;
    for (const p of this.peers.values()) p.addScreen(stream);
    this.update({ screen: true, screenStream: stream });
  }

  stopScreenShare(): void {
    const stream = this.screenStream;
    if (!stream) return;
    this.screenStream = null;
    stream.getTracks().forEach((t) => t.stop());
    for (const p of this.peers.values()) p.removeScreen();
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
        this.cameraStream.removeTrack(old);
        this.video = null;
        this.update({ camera: false, hasCamera: false });
      }
      return;
    }
    // Keep the on/off choice across the switch.
    track.enabled = isVideo ? this.state.camera || !old : this.state.mic || !old;
    if (old) {
      this.cameraStream.removeTrack(old);
      old.stop();
    }
    this.cameraStream.addTrack(track);
    if (isVideo) this.video = track;
    else {
      this.audio = track;
      this.levels.watch('self', track);
    }
    await Promise.all([...this.peers.values()].map((p) => p.replaceTrack(isVideo ? 'video' : 'audio', track, this.cameraStream)));
    this.update(isVideo ? { hasCamera: true, camera: track.enabled } : { hasMic: true, mic: track.enabled });
  }

  listDevices(): Promise<DeviceInfo[]> {
    return listDevices();
  }

  audioLevel(who: string): number {
    return this.levels.level(who);
  }

  async stats(): Promise<PeerStat[]> {
    const out: PeerStat[] = [];
    for (const [id, p] of this.peers) {
      out.push(...(await p.videoStats().catch(() => [])));
      out.push({ peerId: id, kind: 'audio', rms: this.levels.level(id) });
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
    this.screenStream?.getTracks().forEach((t) => t.stop());
    this.cameraStream.getTracks().forEach((t) => t.stop());
    this.levels.close();
    this.events.clear();
  }

  private peer(peerId: string): BrowserPeer | null {
    const existing = this.peers.get(peerId);
    if (existing || this.closed) return existing ?? null;
    if (!BrowserEngine.supported()) {
      this.events.emit('error', { message: 'Video calls need WebRTC, which is missing here (the Linux app gets video with its native media engine). Chat works.' });
      return null;
    }
    const peer = new BrowserPeer(
      peerId,
      isPolite(this.selfId, peerId),
      this.iceServers,
      { cameraStream: this.cameraStream, audio: this.audio, video: this.video, screenStream: this.screenStream },
      {
        send: (kind, data) =>
          void this.sendSignal(peerId, kind, data).catch((err: unknown) => console.warn(`signal ${kind} to ${peerId} failed`, err)),
        localStreams: () => localStreamMap(this.cameraStream.id, this.screenStream?.id),
        stream: (kind, stream) => this.events.emit('remote-stream', { peerId, kind, stream }),
        audioTrack: (track) => this.levels.watch(peerId, track),
        state: (state) => this.events.emit('peer-connection', { peerId, state }),
        failed: (failed) => this.events.emit('peer-failed', { peerId, failed }),
      },
    );
    this.peers.set(peerId, peer);
    this.events.emit('peer-connection', { peerId, state: 'new' });
    return peer;
  }

  private update(change: Partial<LocalMediaState>): void {
    this.state = nextLocal(this.state, change, this.audio, this.video);
    this.events.emit('local', this.state);
  }
}
