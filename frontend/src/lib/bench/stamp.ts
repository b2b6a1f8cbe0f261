// Glass-to-glass latency, measured from the pictures themselves: the sender draws the wall-clock time into each
// camera frame as a row of black and white blocks along the bottom edge, and the receiver reads it back from
// what its <video> shows. Both ends run on one machine in the benchmark (make bench), so they share the clock.
// Enabled by `?stamp=1` (or the app's PARLEY_BENCH_STAMP=1); the product never draws on anyone's picture.

/** Bits of the clock (ms) carried: 2^24 ms ≈ 4.6 h, far beyond any latency, so the modulo is unambiguous. */
const CLOCK_BITS = 24;
/** A parity bit per 6 clock bits: a misread frame (a block blurred across the threshold) is thrown away. */
const CHECK_BITS = 4;
const BITS = CLOCK_BITS + CHECK_BITS;
/** The stamp's height as a fraction of the frame: tall enough to survive VP8 at low bitrates. */
const HEIGHT = 1 / 12;

export function stampBits(ms: number): boolean[] {
  const v = Math.floor(ms) % 2 ** CLOCK_BITS;
  const bits: boolean[] = [];
  for (let i = CLOCK_BITS - 1; i >= 0; i--) bits.push(Math.floor(v / 2 ** i) % 2 === 1);
  for (let g = 0; g < CHECK_BITS; g++) bits.push(bits.slice(g * 6, g * 6 + 6).filter(Boolean).length % 2 === 1);
  return bits;
}

/** The clock value (ms modulo 2^24) of a stamp's bits, or null if the parity does not match. */
export function readBits(bits: readonly boolean[]): number | null {
  if (bits.length !== BITS) return null;
  for (let g = 0; g < CHECK_BITS; g++) {
    if ((bits.slice(g * 6, g * 6 + 6).filter(Boolean).length % 2 === 1) !== bits[CLOCK_BITS + g]) return null;
  }
  let v = 0;
  for (let i = 0; i < CLOCK_BITS; i++) v = v * 2 + (bits[i] ? 1 : 0);
  return v;
}

/** Milliseconds from a stamp to `now` (both wall-clock ms), modulo the stamp's range. */
export function elapsed(stamp: number, now: number): number {
  const m = 2 ** CLOCK_BITS;
  return (((Math.floor(now) - stamp) % m) + m) % m;
}

interface Geometry {
  y: number;
  h: number;
  w: number;
}

function geometry(width: number, height: number): Geometry {
  const h = Math.max(4, Math.round(height * HEIGHT));
  return { y: height - h, h, w: width / BITS };
}

/** Draws the stamp for `ms` into a 2D context of a width×height frame. */
export function drawStamp(g: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number, ms: number): void {
  const { y, h, w } = geometry(width, height);
  stampBits(ms).forEach((bit, i) => {
    g.fillStyle = bit ? '#fff' : '#000';
    g.fillRect(Math.floor(i * w), y, Math.ceil(w), h);
  });
}

/** The rows of a width×height frame that hold the stamp: [first row, count]. */
export function stampRows(width: number, height: number): [number, number] {
  const { y, h } = geometry(width, height);
  return [y, h];
}

/**
 * Reads a stamp from RGBA pixels of a width×height frame — all of it, or only its rows from `firstRow` on (see
 * stampRows) — from the mean luma of each block's middle.
 */
export function readStamp(rgba: Uint8ClampedArray, width: number, height: number, firstRow = 0): number | null {
  const { y, h, w } = geometry(width, height);
  if (firstRow > y || rgba.length < width * (height - firstRow) * 4) return null;
  const bits: boolean[] = [];
  const r = Math.max(1, Math.floor(Math.min(w, h) / 4));
  for (let i = 0; i < BITS; i++) {
    const cx = Math.floor((i + 0.5) * w);
    const cy = Math.floor(y + h / 2);
    let sum = 0;
    let n = 0;
    for (let yy = cy - r; yy <= cy + r; yy++) {
      for (let xx = cx - r; xx <= cx + r; xx++) {
        const o = ((yy - firstRow) * width + xx) * 4;
        sum += 0.299 * rgba[o] + 0.587 * rgba[o + 1] + 0.114 * rgba[o + 2];
        n++;
      }
    }
    bits.push(sum / n > 128);
  }
  return readBits(bits);
}
