import { describe, expect, it } from 'vitest';
import { AudioJitter } from './audio-jitter';

const RATE = 48000;
const PACKET = 960;
const BLOCK = 128;

/** A deterministic PRNG (mulberry32), so a failure replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Two incommensurate tones: unlike one sine, no shifted copy of it matches, so alignment() finds the one place.
const sine = (ts: number) => 0.3 * Math.sin((2 * Math.PI * 437.3 * ts) / RATE) + 0.2 * Math.sin((2 * Math.PI * 1013.7 * ts) / RATE);
/** Speech-like: 440 Hz in 300 ms bursts with 200 ms pauses (gives drift control quiet parts to work in). */
const bursts = (ts: number) => ((ts % 24000) < 14400 ? sine(ts) : 0);

interface Sim {
  seconds: number;
  /** The sender's clock rate relative to ours (1.005: its 20 ms last 19.9 of ours). */
  skew?: number;
  /** Extra network delay of packet k, in ms. */
  jitterMs?: (k: number) => number;
  /** Packets never delivered. */
  lost?: Set<number>;
  /** Packet k arrives at this time (ms of our clock) instead. */
  arriveAtMs?: Map<number, number>;
  signal?: (ts: number) => number;
  /** Called after every block with the time in ms. */
  probe?: (ms: number, jb: AudioJitter) => void;
}

function simulate(s: Sim): { out: Float32Array; jb: AudioJitter; firstTs: number } {
  const jb = new AudioJitter();
  const skew = s.skew ?? 1;
  const signal = s.signal ?? sine;
  const firstTs = 123_456;
  const total = Math.round(s.seconds * RATE);
  const packets: { arrival: number; ts: number; k: number }[] = [];
  for (let k = 0; (k * PACKET) / skew < total; k++) {
    if (s.lost?.has(k)) continue;
    const sent = (k * PACKET) / skew + PACKET / skew; // a packet leaves when its 20 ms have been captured
    const fixed = s.arriveAtMs?.get(k);
    const arrival = fixed !== undefined ? (fixed * RATE) / 1000 : sent + ((s.jitterMs?.(k) ?? 0) * RATE) / 1000;
    packets.push({ arrival, ts: firstTs + k * PACKET, k });
  }
  packets.sort((a, b) => a.arrival - b.arrival);
  const out = new Float32Array(total);
  let next = 0;
  for (let clock = 0; clock + BLOCK <= total; clock += BLOCK) {
    while (next < packets.length && packets[next].arrival <= clock) {
      const p = packets[next++];
      const data = new Float32Array(PACKET);
      for (let i = 0; i < PACKET; i++) data[i] = signal(p.ts + i);
      jb.push(p.ts, data);
    }
    jb.pull(out.subarray(clock, clock + BLOCK));
    s.probe?.((clock * 1000) / RATE, jb);
  }
  return { out, jb, firstTs };
}

/** The RTP timestamp the output at `i` plays (found by matching a window), or null. */
function alignment(out: Float32Array, i: number, firstTs: number, signal = sine): number | null {
  for (let ts = firstTs; ts < firstTs + i + RATE; ts++) {
    let err = 0;
    for (let k = 0; k < 480 && err < 1e-6; k++) err = Math.max(err, Math.abs(out[i + k] - signal(ts + k)));
    if (err < 1e-6) return ts - i;
  }
  return null;
}

function maxStep(out: Float32Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < to; i++) m = Math.max(m, Math.abs(out[i] - out[i - 1]));
  return m;
}

describe('AudioJitter', () => {
  it('plays jittery input without underruns once started, at a delay that covers the jitter', () => {
    const r = rng(7);
    let afterStart = -1;
    const { jb } = simulate({
      seconds: 20,
      jitterMs: () => r() * 30,
      probe: (ms, j) => {
        if (ms >= 2000 && afterStart < 0) afterStart = j.stats().underruns;
      },
    });
    const st = jb.stats();
    expect(st.underruns).toBe(afterStart);
    expect(st.underruns).toBeLessThanOrEqual(1);
    expect(st.targetMs).toBeGreaterThanOrEqual(40);
    expect(st.targetMs).toBeLessThanOrEqual(80);
    expect(st.lateMs).toBe(0);
  });

  it('starts at the start delay and settles toward the minimum without jitter', () => {
    const { jb } = simulate({ seconds: 10 });
    const st = jb.stats();
    expect(st.underruns).toBe(0);
    expect(st.concealedMs).toBe(0);
    expect(st.targetMs).toBeLessThanOrEqual(45);
    expect(st.delayMs).toBeGreaterThan(20);
    expect(st.delayMs).toBeLessThan(70);
  });

  it('conceals a lost packet without a silent gap or a click, and plays on intact after it', () => {
    const lostK = 100;
    const { out, jb, firstTs } = simulate({ seconds: 4, lost: new Set([lostK]) });
    const st = jb.stats();
    expect(st.concealedMs).toBe(20);
    expect(st.droppedMs + st.stretchedMs).toBe(0);
    const off = alignment(out, 24000, firstTs)!; // 0.5 s in: plays ts = i + off
    expect(off).not.toBeNull();
    const gapStart = firstTs + lostK * PACKET - off;
    const gapEnd = gapStart + PACKET;
    // Not silence: the concealment carries on the sound, fading.
    let sum = 0;
    for (let i = gapStart; i < gapEnd; i++) sum += out[i] * out[i];
    expect(Math.sqrt(sum / PACKET)).toBeGreaterThan(0.15);
    // No click: no step much larger than the signal's own steepest one (0.044).
    expect(maxStep(out, gapStart - 10, gapEnd + 200)).toBeLessThan(0.12);
    // After the crossfade the audio is exactly what was sent, at the same place.
    for (let i = gapEnd + 64; i < gapEnd + 4800; i++) expect(Math.abs(out[i] - sine(i + off))).toBeLessThan(1e-6);
    expect(alignment(out, gapEnd + 4800, firstTs)).toBe(off);
  });

  it('drops a late packet and conceals its place', () => {
    // Packet 50 is due at ~1.0 s + the delay; it comes at 1.3 s.
    const { jb, out, firstTs } = simulate({ seconds: 3, arriveAtMs: new Map([[50, 1300]]) });
    const st = jb.stats();
    expect(st.lateMs).toBe(20);
    expect(st.concealedMs).toBe(20);
    expect(st.underruns).toBe(0);
    const off = alignment(out, 24000, firstTs)!;
    expect(alignment(out, 2 * RATE, firstTs)).toBe(off);
  });

  it('places reordered packets by timestamp', () => {
    // 51 overtakes 50 by 10 ms: both are still in time.
    const at = new Map([
      [50, 1040],
      [51, 1030],
    ]);
    const { jb, out, firstTs } = simulate({ seconds: 3, arriveAtMs: at });
    expect(jb.stats().concealedMs).toBe(0);
    const off = alignment(out, 24000, firstTs)!;
    for (let i = 24000; i < 2 * RATE; i++) expect(Math.abs(out[i] - sine(i + off))).toBeLessThan(1e-6);
  });

  for (const skew of [1.005, 0.995]) {
    it(`keeps the delay bounded for 60 s with a sender clock ${skew > 1 ? 'fast' : 'slow'} by 0.5 %`, () => {
      const r = rng(3);
      const delays: number[] = [];
      const buffered: number[] = [];
      const { jb } = simulate({
        seconds: 60,
        skew,
        signal: bursts,
        jitterMs: () => r() * 5,
        probe: (ms, j) => {
          if (ms < 2000 || Math.round(ms) % 100 !== 0) return;
          const st = j.stats();
          delays.push(st.delayMs);
          buffered.push(st.bufferedMs);
        },
      });
      const st = jb.stats();
      expect(st.underruns).toBe(0);
      expect(Math.max(...delays)).toBeLessThan(90);
      expect(Math.min(...delays)).toBeGreaterThan(20);
      expect(Math.max(...buffered)).toBeLessThan(120);
      // 0.5 % of 60 s is 300 ms to absorb, by slices.
      if (skew > 1) expect(st.droppedMs).toBeGreaterThan(200);
      else expect(st.stretchedMs).toBeGreaterThan(200);
    });
  }

  it('starts over after a long jump in timestamps', () => {
    const jb = new AudioJitter();
    const out = new Float32Array(BLOCK);
    const pkt = new Float32Array(PACKET).fill(0.25);
    for (let k = 0; k < 10; k++) {
      jb.push(k * PACKET, pkt);
      jb.pull(out);
    }
    // The sender restarted with another timestamp base: play it after a refill, not after 10 s of silence.
    for (let k = 0; k < 40; k++) {
      jb.push(480_000 + k * PACKET, pkt);
      for (let b = 0; b < 8; b++) jb.pull(out);
    }
    expect(out[BLOCK - 1]).toBeCloseTo(0.25, 5);
  });
});
