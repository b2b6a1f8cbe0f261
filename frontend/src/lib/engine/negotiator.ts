// The perfect-negotiation pattern (W3C webrtc-pc §10.7 / MDN "Perfect negotiation") for one peer connection,
// over a minimal interface so that it runs in tests against a fake connection. Either side may start a
// negotiation at any time (a late joiner, a screen share, an ICE restart); when both offer at once ("glare")
// the polite side rolls its offer back and answers, the impolite side ignores the polite side's offer.
//
// Wire format (the `data` of the `signal` request): offer/answer → {type, sdp, streams}, where `streams` maps
// the sender's stream ids to what they carry (see stream-kinds.ts); candidate → RTCIceCandidateInit, or null
// for the end of candidates.
import type { SignalKind } from '../protocol';
import { parseStreamMap, type StreamMap } from './stream-kinds';

export type SdpType = 'offer' | 'answer' | 'pranswer' | 'rollback';

export interface SessionDescription {
  type: SdpType;
  sdp?: string;
}

/** The part of RTCPeerConnection the pattern needs. */
export interface NegotiablePeer {
  readonly signalingState: string;
  readonly localDescription: SessionDescription | null;
  /** Without an argument: create and set the offer or answer the current state calls for. */
  setLocalDescription(description?: SessionDescription): Promise<void>;
  setRemoteDescription(description: SessionDescription): Promise<void>;
  addIceCandidate(candidate?: unknown): Promise<void>;
}

export interface NegotiatorOptions {
  polite: boolean;
  send: (kind: SignalKind, data: unknown) => void;
  /** This side's stream map, sent with every description. */
  localStreams: () => StreamMap;
  /** The other side's stream map, from a description about to be applied (so it is known when tracks fire). */
  onRemoteStreams: (map: StreamMap) => void;
  onError?: (err: unknown) => void;
}

export class Negotiator {
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  /** Incoming messages are applied one at a time, in the order they arrived. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly pc: NegotiablePeer,
    private readonly opts: NegotiatorOptions,
  ) {}

  get polite(): boolean {
    return this.opts.polite;
  }

  /** Call on the connection's `negotiationneeded`. */
  async negotiationNeeded(): Promise<void> {
    if (this.closed) return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      // If an offer from the other side was applied meanwhile, ours was rolled back: nothing to send.
      const desc = this.pc.localDescription;
      if (!this.closed && desc && desc.type === 'offer') this.sendDescription(desc);
    } catch (err) {
      this.fail(err);
    } finally {
      this.makingOffer = false;
    }
  }

  /** Call with every `signal` from this peer; returns when it has been applied (tests wait on it). */
  receive(kind: SignalKind, data: unknown): Promise<void> {
    const run = () => (this.closed ? Promise.resolve() : this.apply(kind, data));
    this.queue = this.queue.then(run, run);
    return this.queue;
  }

  /** Call on the connection's `icecandidate`. */
  localCandidate(candidate: unknown): void {
    if (!this.closed) this.opts.send('candidate', candidate ?? null);
  }

  close(): void {
    this.closed = true;
  }

  private async apply(kind: SignalKind, data: unknown): Promise<void> {
    try {
      if (kind === 'offer' || kind === 'answer') await this.applyDescription(data);
      else if (kind === 'candidate') await this.applyCandidate(data);
    } catch (err) {
      this.fail(err);
    }
  }

  private async applyDescription(data: unknown): Promise<void> {
    const description = parseDescription(data);
    if (!description) throw new Error('malformed session description');
    const readyForOffer = !this.makingOffer && (this.pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.opts.polite && collision;
    if (this.ignoreOffer) return;
    // An answer in 'stable' is a stale answer to an offer we rolled back: applying it would throw.
    if (description.type === 'answer' && this.pc.signalingState === 'stable') return;
    this.opts.onRemoteStreams(parseStreamMap((data as Record<string, unknown>).streams));
    this.settingRemoteAnswer = description.type === 'answer';
    try {
      // For the polite side in glare this rolls our own offer back implicitly.
      await this.pc.setRemoteDescription(description);
    } finally {
      this.settingRemoteAnswer = false;
    }
    if (description.type === 'offer') {
      await this.pc.setLocalDescription();
      const answer = this.pc.localDescription;
      if (answer && !this.closed) this.sendDescription(answer);
    }
  }

  private async applyCandidate(data: unknown): Promise<void> {
    try {
      await this.pc.addIceCandidate(data ?? undefined);
    } catch (err) {
      // Candidates of an offer we ignored cannot be added: expected, not an error.
      if (!this.ignoreOffer) throw err;
    }
  }

  private sendDescription(desc: SessionDescription): void {
    this.opts.send(desc.type === 'offer' ? 'offer' : 'answer', { type: desc.type, sdp: desc.sdp ?? '', streams: this.opts.localStreams() });
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    if (this.opts.onError) this.opts.onError(err);
    else console.warn('negotiation failed', err);
  }
}

function parseDescription(data: unknown): SessionDescription | null {
  if (typeof data !== 'object' || data === null) return null;
  const o = data as Record<string, unknown>;
  if ((o.type !== 'offer' && o.type !== 'answer') || typeof o.sdp !== 'string') return null;
  return { type: o.type, sdp: o.sdp };
}

/** The rule both sides compute identically: the peer whose id sorts lower is polite (docs/PROTOCOL.md). */
export function isPolite(selfId: string, peerId: string): boolean {
  return selfId < peerId;
}
