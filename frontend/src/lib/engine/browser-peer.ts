// One RTCPeerConnection to one peer of the mesh: our tracks out, theirs in, perfect negotiation, trickle ICE,
// ICE restart when the connection fails while signaling still works. The engine owns one per peer.
import type { IceServer, SignalKind } from '../protocol';
import { IceRestarter } from './ice-restart';
import { Negotiator } from './negotiator';
import { kindOfStream, type StreamMap } from './stream-kinds';
import type { PeerConnectionState, PeerStat, StreamKind } from './types';

export interface PeerCallbacks {
  send(kind: SignalKind, data: unknown): void;
  localStreams(): StreamMap;
  stream(kind: StreamKind, stream: MediaStream | null): void;
  audioTrack(track: MediaStreamTrack | null): void;
  state(state: PeerConnectionState): void;
  failed(failed: boolean): void;
}

export interface OutgoingMedia {
  /** The stream the camera and microphone tracks are announced with (its id goes in the stream map). */
  cameraStream: MediaStream;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  screenStream: MediaStream | null;
}

export class BrowserPeer {
  private readonly pc: RTCPeerConnection;
  private readonly negotiator: Negotiator;
  private remoteMap: StreamMap = {};
  /** Remote streams by kind, and the kind of each remote video track id (for stats). */
  private readonly remote = new Map<StreamKind, MediaStream>();
  private readonly trackKinds = new Map<string, StreamKind>();
  private audioSender: RTCRtpSender | null = null;
  private videoSender: RTCRtpSender | null = null;
  private screenSenders: RTCRtpSender[] = [];
  private readonly restarter: IceRestarter;
  private closed = false;

  constructor(
    readonly peerId: string,
    polite: boolean,
    iceServers: readonly IceServer[],
    out: OutgoingMedia,
    private readonly cb: PeerCallbacks,
  ) {
    this.pc = new RTCPeerConnection({ iceServers: iceServers as RTCIceServer[] });
    this.negotiator = new Negotiator(this.pc, {
      polite,
      send: (kind, data) => cb.send(kind, data),
      localStreams: () => cb.localStreams(),
      onRemoteStreams: (map) => (this.remoteMap = map),
      onError: (err) => console.warn(`negotiation with ${peerId} failed`, err),
    });
    // Signaling still works (else we would be rejoining): a new ICE negotiation may find a path again. Both
    // sides restart; perfect negotiation sorts out the two offers.
    this.restarter = new IceRestarter({ restartIce: () => this.pc.restartIce(), failed: (failed) => cb.failed(failed) });
    this.pc.onnegotiationneeded = () => void this.negotiator.negotiationNeeded();
    this.pc.onicecandidate = (e) => this.negotiator.localCandidate(e.candidate ? e.candidate.toJSON() : null);
    this.pc.onconnectionstatechange = () => this.connectionChanged();
    this.pc.ontrack = (e) => this.trackArrived(e);

    if (out.audio) this.audioSender = this.pc.addTrack(out.audio, out.cameraStream);
    if (out.video) this.videoSender = this.pc.addTrack(out.video, out.cameraStream);
    // Without a camera or microphone we still want to receive them — and a connection with no transceiver
    // at all would never fire negotiationneeded, so a receive-only newcomer would never offer.
    if (!out.audio) this.pc.addTransceiver('audio', { direction: 'recvonly' });
    if (!out.video) this.pc.addTransceiver('video', { direction: 'recvonly' });
    if (out.screenStream) this.addScreen(out.screenStream);
  }

  receive(kind: SignalKind, data: unknown): void {
    if (kind === 'renegotiate') {
      // The other side asks for a fresh offer with new ICE credentials (it saw the connection fail).
      this.pc.restartIce();
      return;
    }
    void this.negotiator.receive(kind, data);
  }

  /** Swaps the outgoing camera or microphone track; adds a sender (and renegotiates) if there was none. */
  async replaceTrack(kind: 'audio' | 'video', track: MediaStreamTrack, cameraStream: MediaStream): Promise<void> {
    const sender = kind === 'audio' ? this.audioSender : this.videoSender;
    if (sender) {
      await sender.replaceTrack(track);
      return;
    }
    const added = this.pc.addTrack(track, cameraStream);
    if (kind === 'audio') this.audioSender = added;
    else this.videoSender = added;
  }

  addScreen(stream: MediaStream): void {
    this.removeScreen();
    this.screenSenders = stream.getTracks().map((t) => this.pc.addTrack(t, stream));
  }

  removeScreen(): void {
    for (const s of this.screenSenders) {
      if (this.pc.signalingState !== 'closed') this.pc.removeTrack(s);
    }
    this.screenSenders = [];
  }

  /** framesDecoded of each remote video (camera or screen) currently shown. */
  async videoStats(): Promise<PeerStat[]> {
    if (this.closed) return [];
    const live = new Set<string>();
    for (const s of this.remote.values()) for (const t of s.getVideoTracks()) if (t.readyState === 'live') live.add(t.id);
    const out: PeerStat[] = [];
    const report = await this.pc.getStats();
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    let rttMs = 0;
    report.forEach((r: Record<string, unknown>) => {
      if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.nominated === true && typeof r.currentRoundTripTime === 'number') {
        rttMs = r.currentRoundTripTime * 1000;
      }
    });
    report.forEach((r: Record<string, unknown>) => {
      if (r.type !== 'inbound-rtp' || r.kind !== 'video' || typeof r.trackIdentifier !== 'string') return;
      const kind = this.trackKinds.get(r.trackIdentifier);
      if (!kind || !live.has(r.trackIdentifier)) return;
      out.push({
        peerId: this.peerId,
        kind,
        framesDecoded: num(r.framesDecoded),
        width: num(r.frameWidth),
        height: num(r.frameHeight),
        fps: num(r.framesPerSecond),
        rttMs,
      });
    });
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.negotiator.close();
    this.restarter.close();
    this.pc.onnegotiationneeded = this.pc.onicecandidate = this.pc.onconnectionstatechange = this.pc.ontrack = null;
    this.pc.close();
    this.cb.state('closed');
  }

  private trackArrived(e: RTCTrackEvent): void {
    const origin = e.streams[0];
    const track = e.track;
    const kind = kindOfStream(this.remoteMap, origin?.id);
    this.trackKinds.set(track.id, kind);
    if (track.kind === 'audio' && kind === 'camera') this.cb.audioTrack(track);
    // The view gets one stream per kind that we own: a sender may put its microphone and camera on different
    // stream ids (the native engine does, so that the receiver does not delay video to lip-sync it with audio).
    let stream = this.remote.get(kind);
    if (!stream) {
      stream = new MediaStream();
      this.remote.set(kind, stream);
    }
    const same = track.kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
    for (const old of same) if (old !== track) stream.removeTrack(old);
    if (!same.includes(track)) stream.addTrack(track);
    // When the other side stops sending (removeTrack + renegotiation) the track leaves the sender's stream.
    if (origin) {
      const onRemove = (ev: MediaStreamTrackEvent) => {
        if (ev.track !== track) return;
        origin.removeEventListener('removetrack', onRemove);
        this.trackGone(kind, track);
      };
      origin.addEventListener('removetrack', onRemove);
    }
    // Report again even for a known stream: it has a new track (audio-only became audio+video).
    this.cb.stream(kind, stream);
  }

  private trackGone(kind: StreamKind, track: MediaStreamTrack): void {
    const stream = this.remote.get(kind);
    if (!stream || !stream.getTracks().includes(track)) return;
    stream.removeTrack(track);
    if (track.kind === 'audio' && kind === 'camera') this.cb.audioTrack(null);
    if (stream.getTracks().length > 0) return;
    this.remote.delete(kind);
    this.cb.stream(kind, null);
  }

  private connectionChanged(): void {
    const state = this.pc.connectionState as PeerConnectionState;
    this.cb.state(state);
    this.restarter.stateChanged(state);
  }
}
