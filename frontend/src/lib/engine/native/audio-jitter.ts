// The audio player's jitter buffer: decoded 20 ms packets in, a steady stream of 128-sample blocks out (the
// AudioWorklet's render quantum). Pure TypeScript — the worklet (player-worklet.ts) feeds it, the tests drive
// it with simulated clocks.
//
// Time: `ts` is the packet's RTP timestamp (48 kHz, unwrapped); the receiver's clock is the number of samples
// pulled so far, so an arrival is stamped with the clock at push(). For every packet, transit = clock − ts; its
// spread over the last ~1.5 s is the jitter, and the target delay is jitter + a margin, within [min, max].
// The delay now is (clock − playPos) − min transit: how long the earliest packet waits before it is played.
// Drift control keeps it near the target by splicing: drop a short slice (delay too long — a faster sender
// clock, or a burst after a stall) or replay one (too short — a slower sender), each crossfaded and preferably
// where the audio is quiet. A missing packet is concealed (see Concealer); when nothing is left to play the
// buffer stalls, conceals, and refills to the target before it plays on.

export interface JitterOptions {
  sampleRate?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  startDelayMs?: number;
}

export interface JitterStats {
  /** Times the buffer ran dry after playing had started. */
  underruns: number;
  /** Audio made up for lost or late packets and underruns. */
  concealedMs: number;
  /** Audio skipped to shorten the delay. */
  droppedMs: number;
  /** Audio replayed to lengthen the delay. */
  stretchedMs: number;
  /** Audio that arrived after its time had passed. */
  lateMs: number;
  delayMs: number;
  targetMs: number;
  bufferedMs: number;
}

interface Packet {
  ts: number;
  data: Float32Array;
}

const TRANSIT_WINDOW = 75; // packets: 1.5 s of 20 ms packets
const MARGIN_MS = 20;
const TOLERANCE_MS = 8;
const SLICE = 120; // samples spliced per adjustment (2.5 ms)
const CROSSFADE = 64; // samples
const KEEP_BEHIND = 1200; // samples kept behind the play position, for a replay splice
const RESYNC_MS = 500; // a jump this far (a new stream, a long pause) starts over
const TARGET_DECAY = 0.02; // per packet: the target falls back over a few seconds, it rises at once

/**
 * Makes up audio for a missing stretch: the last few ms played, mirrored back and forth (so the values join
 * without a step), fading to silence over FADE samples. Its output also feeds the crossfade back into real audio.
 */
class Concealer {
  private static readonly HISTORY = 240;
  private static readonly FADE = 2880; // 60 ms
  private readonly ring = new Float32Array(Concealer.HISTORY);
  private ringPos = 0;
  private snapshot = new Float32Array(Concealer.HISTORY);
  private j = 0;
  active = false;

  /** Every sample that is output passes here, so a concealment continues from what was heard. */
  record(v: number): void {
    this.ring[this.ringPos] = v;
    this.ringPos = (this.ringPos + 1) % Concealer.HISTORY;
  }

  /** RMS of the last 5 ms played: a good enough look at "is it quiet now". */
  recentRms(): number {
    let sum = 0;
    for (let i = 0; i < this.ring.length; i++) sum += this.ring[i] * this.ring[i];
    return Math.sqrt(sum / this.ring.length);
  }

  start(): void {
    const h = Concealer.HISTORY;
    for (let i = 0; i < h; i++) this.snapshot[i] = this.ring[(this.ringPos + i) % h];
    this.j = 0;
    this.active = true;
  }

  next(): number {
    const h = Concealer.HISTORY;
    this.j++;
    const gain = 1 - this.j / Concealer.FADE;
    if (gain <= 0) return 0;
    const q = this.j % (2 * h - 2);
    const idx = q <= h - 1 ? h - 1 - q : q - (h - 1);
    return this.snapshot[idx] * gain;
  }
}

export class AudioJitter {
  private readonly rate: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private target: number;
  private packets: Packet[] = [];
  private state: 'idle' | 'buffering' | 'playing' = 'idle';
  private started = false;
  private inUnderrun = false;
  private farBehind = 0;
  private playPos = 0;
  private clock = 0;
  private transits: number[] = [];
  private readonly concealer = new Concealer();
  /** Samples left of a crossfade from concealment into real audio. */
  private fadeIn = 0;
  private splice: { from: number; to: number; k: number } | null = null;
  private energy = 0;
  private readonly counts = { underruns: 0, concealed: 0, dropped: 0, stretched: 0, late: 0 };

  constructor(opts: JitterOptions = {}) {
    this.rate = opts.sampleRate ?? 48000;
    this.minDelay = this.ms(opts.minDelayMs ?? 40);
    this.maxDelay = this.ms(opts.maxDelayMs ?? 200);
    this.target = this.ms(opts.startDelayMs ?? 60);
  }

  /** A decoded packet: its RTP timestamp (48 kHz, unwrapped) and its mono samples. */
  push(ts: number, data: Float32Array): void {
    const len = data.length;
    if (len === 0 || !Number.isFinite(ts)) return;
    if (this.state === 'idle') {
      this.playPos = ts;
      this.state = 'buffering';
    } else if (ts + len <= this.playPos) {
      if (!this.started && this.playPos - ts < this.ms(RESYNC_MS)) {
        this.playPos = ts; // reordered before playing began: start earlier
      } else if (this.playPos - ts > this.ms(RESYNC_MS) && ++this.farBehind >= 3) {
        this.resync(ts); // the stream went back in time for good, not one stray packet
      } else {
        this.counts.late += len;
        return;
      }
    } else if (ts - this.playPos > this.ms(RESYNC_MS) + this.target) {
      this.resync(ts);
    }
    this.farBehind = 0;
    if (!this.insert({ ts, data })) return;
    this.transits.push(this.clock - ts);
    if (this.transits.length > TRANSIT_WINDOW) this.transits.shift();
    this.adaptTarget();
  }

  /** Fills `out` with the next block of audio. */
  pull(out: Float32Array): void {
    const n = out.length;
    if (this.state === 'buffering' && this.packets.length > 0 && this.delay() >= this.target) {
      this.state = 'playing';
      this.started = true;
      this.inUnderrun = false;
    }
    if (this.state === 'playing') this.adjust();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = this.nextSample();
      this.concealer.record(v);
      out[i] = v;
      sum += v * v;
    }
    this.energy = this.energy * 0.99 + Math.sqrt(sum / n) * 0.01;
    this.clock += n;
    this.forget();
  }

  stats(): JitterStats {
    const ms = (samples: number) => Math.round((samples * 1000) / this.rate);
    return {
      underruns: this.counts.underruns,
      concealedMs: ms(this.counts.concealed),
      droppedMs: ms(this.counts.dropped),
      stretchedMs: ms(this.counts.stretched),
      lateMs: ms(this.counts.late),
      delayMs: this.state === 'playing' ? ms(this.delay()) : 0,
      targetMs: ms(this.target),
      bufferedMs: ms(Math.max(0, this.end() - this.playPos)),
    };
  }

  private ms(v: number): number {
    return Math.round((v * this.rate) / 1000);
  }

  private nextSample(): number {
    if (this.state !== 'playing') {
      if (!this.concealer.active) this.concealer.start();
      if (this.started) this.counts.concealed++;
      return this.concealer.next();
    }
    const sp = this.splice;
    if (sp) {
      const w = (sp.k + 1) / (CROSSFADE + 1);
      const v = (this.sampleAt(sp.from + sp.k) ?? 0) * (1 - w) + (this.sampleAt(sp.to + sp.k) ?? 0) * w;
      if (++sp.k >= CROSSFADE) {
        this.playPos = sp.to + CROSSFADE;
        this.splice = null;
      }
      return v;
    }
    const s = this.sampleAt(this.playPos);
    if (s !== null) {
      this.playPos++;
      if (this.concealer.active) {
        this.concealer.active = false;
        this.fadeIn = CROSSFADE;
      }
      if (this.fadeIn > 0) {
        const w = 1 - this.fadeIn / (CROSSFADE + 1);
        this.fadeIn--;
        return s * w + this.concealer.next() * (1 - w);
      }
      return s;
    }
    if (!this.concealer.active) this.concealer.start();
    this.fadeIn = 0;
    this.counts.concealed++;
    if (this.end() > this.playPos) {
      this.playPos++; // lost: a later packet is here, play through the hole
    } else {
      // Dry: stall (the play position waits for the audio) and refill to the target before playing on.
      this.state = 'buffering';
      if (!this.inUnderrun) this.counts.underruns++;
      this.inUnderrun = true;
    }
    return this.concealer.next();
  }

  /** Drift control: one splice per block at most, never during a concealment or another splice. */
  private adjust(): void {
    if (this.splice || this.concealer.active || this.fadeIn > 0 || this.transits.length < 10) return;
    const err = this.delay() - this.target;
    const tol = this.ms(TOLERANCE_MS);
    if (Math.abs(err) <= tol) return;
    const quiet = this.concealer.recentRms() < Math.max(1e-3, this.energy * 0.3);
    if (!quiet && Math.abs(err) <= 3 * tol) return;
    if (err > 0) {
      // Far too long (a burst after a stall): one jump back to the target; else a small slice.
      const size = err > this.ms(100) ? err - Math.round(tol / 2) : SLICE;
      if (this.sampleAt(this.playPos + size + CROSSFADE) === null) return;
      this.splice = { from: this.playPos, to: this.playPos + size, k: 0 };
      this.counts.dropped += size;
    } else {
      if (this.sampleAt(this.playPos - SLICE) === null || this.sampleAt(this.playPos + CROSSFADE) === null) return;
      this.splice = { from: this.playPos, to: this.playPos - SLICE, k: 0 };
      this.counts.stretched += SLICE;
    }
  }

  private delay(): number {
    let min = Infinity;
    for (const t of this.transits) if (t < min) min = t;
    return min === Infinity ? 0 : this.clock - this.playPos - min;
  }

  private adaptTarget(): void {
    let min = Infinity;
    let max = -Infinity;
    for (const t of this.transits) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
    const raw = Math.min(this.maxDelay, Math.max(this.minDelay, max - min + this.ms(MARGIN_MS)));
    this.target = raw > this.target ? raw : Math.round(this.target + (raw - this.target) * TARGET_DECAY);
  }

  private resync(ts: number): void {
    this.packets = [];
    this.transits = [];
    this.splice = null;
    this.playPos = ts;
    this.state = 'buffering';
  }

  /** Sorted by timestamp; a duplicate is ignored. */
  private insert(p: Packet): boolean {
    let i = this.packets.length;
    while (i > 0 && this.packets[i - 1].ts > p.ts) i--;
    if (i > 0 && this.packets[i - 1].ts === p.ts) return false;
    this.packets.splice(i, 0, p);
    return true;
  }

  private sampleAt(pos: number): number | null {
    for (const p of this.packets) {
      if (pos < p.ts) return null;
      if (pos < p.ts + p.data.length) return p.data[pos - p.ts];
    }
    return null;
  }

  private end(): number {
    let end = -Infinity;
    for (const p of this.packets) end = Math.max(end, p.ts + p.data.length);
    return end;
  }

  private forget(): void {
    const keepFrom = (this.splice ? Math.min(this.splice.from, this.splice.to) : this.playPos) - KEEP_BEHIND;
    while (this.packets.length > 0 && this.packets[0].ts + this.packets[0].data.length < keepFrom) this.packets.shift();
  }
}
