// One peer connection of the mesh, run by the Go media engine: a NegotiablePeer proxy whose operations are
// bridge requests (the signaling state and local description mirror Go's replies), driven by the same
// Negotiator as the browser engine, with the same ICE restart on failure. Media does not pass through here:
// the engine routes the bridge's track events and frames.
import type { SignalKind } from '../../protocol';
import { IceRestarter } from '../ice-restart';
import { Negotiator, type NegotiablePeer, type SessionDescription } from '../negotiator';
import type { StreamMap } from '../stream-kinds';
import type { PeerConnectionState } from '../types';
import type { BridgeRequester } from './bridge';
import { replyDescription, replySignalingState } from './messages';

export interface NativePeerCallbacks {
  send(kind: SignalKind, data: unknown): void;
  localStreams(): StreamMap;
  state(state: PeerConnectionState): void;
  failed(failed: boolean): void;
  onError?(err: unknown): void;
}

/**
 * The bridge as a NegotiablePeer for one peer id. Like a browser's connection it reports `negotiationneeded`
 * only while stable and idle: Go's event can arrive while a description is being applied, and acting on it then
 * would make an offer in the middle of answering one. It is held and fired once the connection is back there.
 */
export class BridgePeerProxy implements NegotiablePeer {
  signalingState = 'stable';
  localDescription: SessionDescription | null = null;
  private busy = 0;
  private needed = false;

  constructor(
    private readonly bridge: BridgeRequester,
    private readonly peer: string,
    private readonly fireNegotiationNeeded: () => Promise<void> = async () => {},
  ) {}

  /**
   * Go says negotiation is needed: fire now if stable and idle (resolving when that negotiation step is done),
   * else when it gets there.
   */
  negotiationNeeded(): Promise<void> {
    this.needed = true;
    return this.settle();
  }

  async setLocalDescription(description?: SessionDescription): Promise<void> {
    // Go creates offers and answers itself; the only explicit description the pattern may use is a rollback.
    if (description && description.type !== 'rollback') throw new Error('media engine: explicit local descriptions are not supported');
    await this.op(async () => {
      const fields = await this.bridge.request('setLocal', description ? { peer: this.peer, type: 'rollback' } : { peer: this.peer });
      const desc = replyDescription(fields);
      this.signalingState = replySignalingState(fields);
      this.localDescription = desc;
      // An offer is the negotiation that was needed; so is an answer, as in a browser, which re-checks after
      // answering: the answer carried our tracks, and Go says negotiationneeded again if anything is left
      // (pion re-checks on returning to stable). Offering anyway would only collide with the other side.
      if (desc?.type === 'offer' || desc?.type === 'answer') this.needed = false;
    });
  }

  async setRemoteDescription(description: SessionDescription): Promise<void> {
    if (description.type !== 'offer' && description.type !== 'answer') throw new Error(`media engine: ${description.type} is not supported`);
    await this.op(async () => {
      const fields = await this.bridge.request('setRemote', { peer: this.peer, description: { type: description.type, sdp: description.sdp ?? '' } });
      this.signalingState = replySignalingState(fields);
    });
  }

  private async op(run: () => Promise<void>): Promise<void> {
    this.busy++;
    try {
      await run();
    } finally {
      this.busy--;
      // After the caller's continuation (an answer follows an offer within the same negotiator step).
      queueMicrotask(() => void this.settle());
    }
  }

  private settle(): Promise<void> {
    if (!this.needed || this.busy > 0 || this.signalingState !== 'stable') return Promise.resolve();
    this.needed = false;
    return this.fireNegotiationNeeded();
  }

  async addIceCandidate(candidate?: unknown): Promise<void> {
    await this.bridge.request('candidate', { peer: this.peer, candidate: candidate ?? null });
  }
}

export class NativePeer {
  private readonly proxy: BridgePeerProxy;
  private readonly negotiator: Negotiator;
  private readonly restarter: IceRestarter;
  /** The other side's latest stream map (camera or screen per stream id). */
  remoteMap: StreamMap = {};
  private closed = false;

  constructor(
    readonly peerId: string,
    polite: boolean,
    private readonly bridge: BridgeRequester,
    private readonly cb: NativePeerCallbacks,
  ) {
    this.proxy = new BridgePeerProxy(bridge, peerId, () => this.negotiator.negotiationNeeded());
    const onError = cb.onError ?? ((err: unknown) => console.warn(`negotiation with ${peerId} failed`, err));
    this.negotiator = new Negotiator(this.proxy, {
      polite,
      send: (kind, data) => cb.send(kind, data),
      localStreams: () => cb.localStreams(),
      onRemoteStreams: (map) => (this.remoteMap = map),
      onError,
    });
    this.restarter = new IceRestarter({
      restartIce: () => this.restartIce(),
      failed: (failed) => cb.failed(failed),
    });
  }

  /** Asks Go to create the connection (idempotent there). */
  open(): Promise<void> {
    return this.bridge.request('open', { peer: this.peerId }).then(() => {});
  }

  get signalingState(): string {
    return this.proxy.signalingState;
  }

  /** Signaling from the peer; resolves when applied. */
  receive(kind: SignalKind, data: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (kind === 'renegotiate') {
      // The other side saw the connection fail and asks for a fresh offer with new ICE credentials.
      this.restartIce();
      return Promise.resolve();
    }
    return this.negotiator.receive(kind, data);
  }

  /** Go's negotiationneeded: acted on once the connection is stable and idle (see BridgePeerProxy). */
  negotiationNeeded(): Promise<void> {
    return this.closed ? Promise.resolve() : this.proxy.negotiationNeeded();
  }

  localCandidate(candidate: unknown): void {
    if (!this.closed) this.negotiator.localCandidate(candidate);
  }

  connectionState(state: PeerConnectionState): void {
    if (this.closed) return;
    this.cb.state(state);
    this.restarter.stateChanged(state);
  }

  /** Stops negotiating; `tellGo` false when the bridge is gone anyway. */
  close(tellGo = true): void {
    if (this.closed) return;
    this.closed = true;
    this.negotiator.close();
    this.restarter.close();
    if (tellGo) this.bridge.request('close', { peer: this.peerId }).catch(() => {});
    this.cb.state('closed');
  }

  private restartIce(): void {
    this.bridge.request('restartIce', { peer: this.peerId }).catch((err: unknown) => console.warn(`ICE restart with ${this.peerId} failed`, err));
  }
}
