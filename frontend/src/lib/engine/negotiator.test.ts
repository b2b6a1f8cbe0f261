import { describe, expect, it } from 'vitest';
import type { SignalKind } from '../protocol';
import { Negotiator, isPolite, type NegotiablePeer, type SessionDescription } from './negotiator';
import type { StreamMap } from './stream-kinds';

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * A peer connection's signaling state machine (JSEP), without media: operations run one at a time, each after
 * a macrotask (as the browser's operations chain does); an offer set while we have a local offer rolls ours
 * back implicitly; an answer outside have-local-offer throws, as in a browser.
 */
class FakePeer implements NegotiablePeer {
  signalingState = 'stable';
  localDescription: SessionDescription | null = null;
  remoteDescription: SessionDescription | null = null;
  readonly candidates: unknown[] = [];
  rollbacks = 0;
  private n = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly name: string) {}

  private op<T>(fn: () => T): Promise<T> {
    const run = async () => {
      await tick();
      return fn();
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  setLocalDescription(d?: SessionDescription): Promise<void> {
    return this.op(() => {
      if (d) throw new Error('explicit descriptions are not used');
      if (this.signalingState === 'have-remote-offer') {
        this.localDescription = { type: 'answer', sdp: `answer from ${this.name} to [${this.remoteDescription?.sdp}]` };
        this.signalingState = 'stable';
      } else {
        this.localDescription = { type: 'offer', sdp: `offer ${++this.n} from ${this.name}` };
        this.signalingState = 'have-local-offer';
      }
    });
  }

  setRemoteDescription(d: SessionDescription): Promise<void> {
    return this.op(() => {
      if (d.type === 'offer') {
        if (this.signalingState === 'have-local-offer') {
          this.rollbacks++;
          this.localDescription = null;
        } else if (this.signalingState !== 'stable') {
          throw new Error(`InvalidStateError: offer in ${this.signalingState}`);
        }
        this.remoteDescription = d;
        this.signalingState = 'have-remote-offer';
      } else {
        if (this.signalingState !== 'have-local-offer') throw new Error(`InvalidStateError: answer in ${this.signalingState}`);
        this.remoteDescription = d;
        this.signalingState = 'stable';
      }
    });
  }

  addIceCandidate(c?: unknown): Promise<void> {
    return this.op(() => {
      if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
      this.candidates.push(c);
    });
  }
}

interface Side {
  pc: FakePeer;
  neg: Negotiator;
  errors: unknown[];
  sent: { kind: SignalKind; data: unknown }[];
  remoteStreams: StreamMap;
}

/** Two negotiators wired through an in-order, asynchronous channel (the room server). */
function pair(opts: { dropCandidatesTo?: string } = {}) {
  const inFlight: Promise<void>[] = [];
  const make = (name: string, polite: boolean, streams: StreamMap): Side => {
    const side = { pc: new FakePeer(name), errors: [], sent: [], remoteStreams: {} } as unknown as Side;
    side.neg = new Negotiator(side.pc, {
      polite,
      send: (kind, data) => {
        side.sent.push({ kind, data });
        const to = side === a ? b : a;
        inFlight.push(tick().then(() => to.neg.receive(kind, data)));
      },
      localStreams: () => streams,
      onRemoteStreams: (m) => (side.remoteStreams = m),
      onError: (e) => side.errors.push(e),
    });
    return side;
  };
  const a: Side = make('polite', true, { camA: 'camera' });
  const b: Side = make('impolite', false, { camB: 'camera', scrB: 'screen' });
  const settle = async () => {
    for (let i = 0; i < 50; i++) {
      const n = inFlight.length;
      await Promise.all(inFlight);
      await tick();
      if (inFlight.length === n) return;
    }
    throw new Error('negotiation never settled');
  };
  return { a, b, settle };
}

describe('Negotiator (perfect negotiation)', () => {
  it('negotiates when one side offers', async () => {
    const { a, b, settle } = pair();
    await b.neg.negotiationNeeded();
    await settle();
    expect(a.pc.signalingState).toBe('stable');
    expect(b.pc.signalingState).toBe('stable');
    expect(a.pc.remoteDescription?.sdp).toBe('offer 1 from impolite');
    expect(b.pc.remoteDescription?.sdp).toBe('answer from polite to [offer 1 from impolite]');
    expect(b.sent[0]).toEqual({ kind: 'offer', data: { type: 'offer', sdp: 'offer 1 from impolite', streams: { camB: 'camera', scrB: 'screen' } } });
    expect(a.sent[0].kind).toBe('answer');
    expect(a.remoteStreams).toEqual({ camB: 'camera', scrB: 'screen' });
    expect(b.remoteStreams).toEqual({ camA: 'camera' });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('resolves glare: the polite side rolls back and answers, the impolite side ignores its offer', async () => {
    const { a, b, settle } = pair();
    await Promise.all([a.neg.negotiationNeeded(), b.neg.negotiationNeeded()]);
    expect(a.pc.signalingState).toBe('have-local-offer');
    expect(b.pc.signalingState).toBe('have-local-offer');
    await settle();
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(a.pc.rollbacks).toBe(1);
    expect(b.pc.rollbacks).toBe(0);
    expect(a.pc.signalingState).toBe('stable');
    expect(b.pc.signalingState).toBe('stable');
    // The impolite offer won; the polite side's own offer was never applied.
    expect(b.pc.remoteDescription?.sdp).toBe('answer from polite to [offer 1 from impolite]');

    // The polite side still has its change to negotiate (the browser fires negotiationneeded again).
    await a.neg.negotiationNeeded();
    await settle();
    expect(b.pc.remoteDescription?.sdp).toBe('offer 2 from polite');
    expect(a.pc.remoteDescription?.sdp).toBe('answer from impolite to [offer 2 from polite]');
    expect([a.pc.signalingState, b.pc.signalingState]).toEqual(['stable', 'stable']);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('drops the candidates of an ignored offer without an error, and applies the others', async () => {
    const { a, b, settle } = pair();
    await Promise.all([a.neg.negotiationNeeded(), b.neg.negotiationNeeded()]);
    // Candidates of the polite side's (ignored) offer reach the impolite side before any description is set.
    a.neg.localCandidate({ candidate: 'candidate:polite 1', sdpMid: '0' });
    b.neg.localCandidate({ candidate: 'candidate:impolite 1', sdpMid: '0' });
    await settle();
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(a.pc.candidates).toEqual([{ candidate: 'candidate:impolite 1', sdpMid: '0' }]);
    expect(b.pc.candidates).toEqual([]);
  });

  it('sends end-of-candidates as null', () => {
    const { a } = pair();
    a.neg.localCandidate(null);
    expect(a.sent).toEqual([{ kind: 'candidate', data: null }]);
  });

  it('renegotiates later (a screen share) in either direction', async () => {
    const { a, b, settle } = pair();
    await b.neg.negotiationNeeded();
    await settle();
    await a.neg.negotiationNeeded();
    await settle();
    await b.neg.negotiationNeeded();
    await settle();
    expect([a.pc.signalingState, b.pc.signalingState]).toEqual(['stable', 'stable']);
    expect(a.pc.remoteDescription?.sdp).toBe('offer 2 from impolite');
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('reports a malformed description and keeps going', async () => {
    const { a, b, settle } = pair();
    await a.neg.receive('offer', { type: 'offer' });
    expect(a.errors).toHaveLength(1);
    await b.neg.negotiationNeeded();
    await settle();
    expect(a.pc.signalingState).toBe('stable');
  });

  it('ignores a stale answer in stable', async () => {
    const { a } = pair();
    await a.neg.receive('answer', { type: 'answer', sdp: 'late' });
    expect(a.errors).toEqual([]);
    expect(a.pc.remoteDescription).toBeNull();
  });

  it('does nothing once closed', async () => {
    const { a } = pair();
    a.neg.close();
    await a.neg.negotiationNeeded();
    a.neg.localCandidate({ candidate: 'x' });
    await a.neg.receive('offer', { type: 'offer', sdp: 'o' });
    expect(a.sent).toEqual([]);
    expect(a.pc.signalingState).toBe('stable');
  });
});

describe('isPolite', () => {
  it('makes exactly one side of a pair polite, the same on both sides', () => {
    expect(isPolite('a1', 'b2')).toBe(true);
    expect(isPolite('b2', 'a1')).toBe(false);
    expect(isPolite('Qx9', 'k3J')).toBe(!isPolite('k3J', 'Qx9'));
  });
});
