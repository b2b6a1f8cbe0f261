import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SignalKind } from '../../protocol';
import type { StreamMap } from '../stream-kinds';
import type { BridgeRequester } from './bridge';
import { NativePeer } from './native-peer';

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * The Go side of one bridge, for one remote peer: requests are answered after a macrotask, one at a time, with
 * JSEP's signaling state machine (as pion's), including the implicit rollback of our offer by a remote offer.
 */
class FakeGo implements BridgeRequester {
  state = 'stable';
  local: { type: string; sdp: string } | null = null;
  remote: { type: string; sdp: string } | null = null;
  readonly log: { op: string; fields: Record<string, unknown> }[] = [];
  readonly candidates: unknown[] = [];
  rollbacks = 0;
  private n = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly name: string) {}

  request(op: string, fields: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    this.log.push({ op, fields });
    const run = async () => {
      await tick();
      return this.handle(op, fields);
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => {});
    return p;
  }

  private handle(op: string, f: Record<string, unknown>): Record<string, unknown> {
    switch (op) {
      case 'setLocal':
        if (f.type === 'rollback') {
          this.state = 'stable';
          return { description: null, signalingState: this.state };
        }
        if (this.state === 'have-remote-offer') {
          this.local = { type: 'answer', sdp: `answer from ${this.name} to [${this.remote?.sdp}]` };
          this.state = 'stable';
        } else {
          this.local = { type: 'offer', sdp: `offer ${++this.n} from ${this.name}` };
          this.state = 'have-local-offer';
        }
        return { description: this.local, signalingState: this.state };
      case 'setRemote': {
        const d = f.description as { type: string; sdp: string };
        if (d.type === 'offer') {
          if (this.state === 'have-local-offer') this.rollbacks++;
          else if (this.state !== 'stable') throw new Error(`offer in ${this.state}`);
          this.state = 'have-remote-offer';
        } else {
          if (this.state !== 'have-local-offer') throw new Error(`answer in ${this.state}`);
          this.state = 'stable';
        }
        this.remote = d;
        return { signalingState: this.state };
      }
      case 'candidate':
        if (!this.remote) throw new Error('no remote description');
        this.candidates.push(f.candidate);
        return {};
      default:
        return {};
    }
  }
}

interface Side {
  go: FakeGo;
  peer: NativePeer;
  errors: unknown[];
  sent: { kind: SignalKind; data: unknown }[];
  states: string[];
  failed: boolean[];
}

function pair() {
  const inFlight: Promise<void>[] = [];
  const make = (name: string, peerId: string, polite: boolean, streams: StreamMap): Side => {
    const side = { go: new FakeGo(name), errors: [], sent: [], states: [], failed: [] } as unknown as Side;
    side.peer = new NativePeer(peerId, polite, side.go, {
      send: (kind, data) => {
        side.sent.push({ kind, data });
        const to = side === a ? b : a;
        inFlight.push(tick().then(() => to.peer.receive(kind, data)));
      },
      localStreams: () => streams,
      state: (s) => side.states.push(s),
      failed: (f) => side.failed.push(f),
      onError: (e) => side.errors.push(e),
    });
    return side;
  };
  const a: Side = make('polite', 'B', true, { camA: 'camera' });
  const b: Side = make('impolite', 'A', false, { camB: 'camera', scrB: 'screen' });
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

afterEach(() => vi.useRealTimers());

describe('NativePeer over the bridge', () => {
  it('negotiates through setLocal/setRemote requests, with the stream maps', async () => {
    const { a, b, settle } = pair();
    await b.peer.negotiationNeeded();
    await settle();
    expect([a.go.state, b.go.state]).toEqual(['stable', 'stable']);
    expect(a.peer.signalingState).toBe('stable');
    expect(b.go.remote?.sdp).toBe('answer from polite to [offer 1 from impolite]');
    expect(b.sent[0]).toEqual({ kind: 'offer', data: { type: 'offer', sdp: 'offer 1 from impolite', streams: { camB: 'camera', scrB: 'screen' } } });
    expect(a.peer.remoteMap).toEqual({ camB: 'camera', scrB: 'screen' });
    expect(b.peer.remoteMap).toEqual({ camA: 'camera' });
    expect(a.go.log.map((l) => l.op)).toEqual(['setRemote', 'setLocal']);
    expect(a.go.log[0].fields).toEqual({ peer: 'B', description: { type: 'offer', sdp: 'offer 1 from impolite' } });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('resolves glare: the polite side is rolled back by Go and answers', async () => {
    const { a, b, settle } = pair();
    await Promise.all([a.peer.negotiationNeeded(), b.peer.negotiationNeeded()]);
    expect([a.peer.signalingState, b.peer.signalingState]).toEqual(['have-local-offer', 'have-local-offer']);
    await settle();
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect([a.go.rollbacks, b.go.rollbacks]).toEqual([1, 0]);
    expect([a.go.state, b.go.state]).toEqual(['stable', 'stable']);
    expect([a.peer.signalingState, b.peer.signalingState]).toEqual(['stable', 'stable']);
    expect(b.go.remote?.sdp).toBe('answer from polite to [offer 1 from impolite]');
    await a.peer.negotiationNeeded();
    await settle();
    expect(b.go.remote?.sdp).toBe('offer 2 from polite');
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('forwards candidates both ways, dropping those of an ignored offer quietly', async () => {
    const { a, b, settle } = pair();
    await Promise.all([a.peer.negotiationNeeded(), b.peer.negotiationNeeded()]);
    a.peer.localCandidate({ candidate: 'candidate:polite', sdpMid: '0' });
    b.peer.localCandidate({ candidate: 'candidate:impolite', sdpMid: '0' });
    b.peer.localCandidate(null);
    await settle();
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(a.go.candidates).toEqual([{ candidate: 'candidate:impolite', sdpMid: '0' }, null]);
    expect(b.go.log.find((l) => l.op === 'candidate')?.fields).toEqual({ peer: 'A', candidate: { candidate: 'candidate:polite', sdpMid: '0' } });
  });

  it('holds negotiationneeded while a remote offer is being answered, and drops it: the answer negotiated', async () => {
    const { a, b, settle } = pair();
    // B offers; while A applies it (setRemote, then setLocal for the answer), Go tells A negotiation is needed.
    await b.peer.negotiationNeeded();
    await tick();
    void a.peer.negotiationNeeded();
    await settle();
    expect([...a.errors, ...b.errors]).toEqual([]);
    // A answered, and made no offer of its own (not in the middle of answering, nor after: no glare).
    expect(a.sent.filter((m) => m.kind !== 'candidate').map((m) => m.kind)).toEqual(['answer']);
    expect([a.go.state, b.go.state]).toEqual(['stable', 'stable']);
  });

  it('reports a malformed reply from Go as a negotiation error', async () => {
    const go = { request: vi.fn(async () => ({ description: { type: 'offer' }, signalingState: 'have-local-offer' })) };
    const errors: unknown[] = [];
    const p = new NativePeer('B', true, go, { send: () => {}, localStreams: () => ({}), state: () => {}, failed: () => {}, onError: (e) => errors.push(e) });
    await p.negotiationNeeded();
    expect(errors).toHaveLength(1);
  });

  it('restarts ICE when the connection fails or the peer asks, and reports failure after the grace period', async () => {
    vi.useFakeTimers();
    const { a } = pair();
    a.peer.connectionState('connected');
    a.peer.connectionState('failed');
    await a.peer.receive('renegotiate', null);
    expect(a.go.log.filter((l) => l.op === 'restartIce')).toHaveLength(2);
    vi.advanceTimersByTime(12_000);
    expect(a.failed).toEqual([false, true]);
    expect(a.states).toEqual(['connected', 'failed']);
    a.peer.close();
    expect(a.go.log.at(-1)).toEqual({ op: 'close', fields: { peer: 'B' } });
    expect(a.states.at(-1)).toBe('closed');
    a.peer.connectionState('connected');
    expect(a.states.at(-1)).toBe('closed');
  });
});
