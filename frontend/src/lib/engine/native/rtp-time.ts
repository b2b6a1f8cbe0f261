// RTP timestamps are 32-bit and wrap (every 13 h at 90 kHz, but they start anywhere): unwrap them into a
// monotonic count, tolerating a little reordering.

const WRAP = 0x1_0000_0000;
const HALF = 0x8000_0000;

export class RtpUnwrapper {
  private last: number | null = null;

  /** The timestamp extended to a plain number, continuous across wraps (either direction, for a late packet). */
  unwrap(ts: number): number {
    ts = ts >>> 0;
    if (this.last === null) {
      this.last = ts;
      return ts;
    }
    const lastLow = ((this.last % WRAP) + WRAP) % WRAP;
    let delta = ts - lastLow;
    if (delta > HALF) delta -= WRAP;
    else if (delta < -HALF) delta += WRAP;
    const out = this.last + delta;
    if (delta > 0) this.last = out;
    return out;
  }

  reset(): void {
    this.last = null;
  }
}

/** Converts RTP ticks since `first` at `clockRate` into microseconds (WebCodecs timestamps). */
export function ticksToUs(ticks: number, first: number, clockRate: number): number {
  return Math.round(((ticks - first) * 1e6) / clockRate);
}
