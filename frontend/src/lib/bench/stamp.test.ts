import { describe, expect, it } from 'vitest';
import { elapsed, readBits, readStamp, stampBits, stampRows } from './stamp';

/** A frame painted grey, with the stamp drawn the way drawStamp does, then blurred and noised like a codec would. */
function frame(width: number, height: number, ms: number, noise = 0): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4).fill(120);
  const bits = stampBits(ms);
  const h = Math.max(4, Math.round(height / 12));
  const w = width / bits.length;
  bits.forEach((bit, i) => {
    for (let y = height - h; y < height; y++) {
      for (let x = Math.floor(i * w); x < Math.min(width, Math.floor(i * w) + Math.ceil(w)); x++) {
        const o = (y * width + x) * 4;
        px[o] = px[o + 1] = px[o + 2] = bit ? 255 : 0;
      }
    }
  });
  let seed = 7;
  for (let i = 0; i < px.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    px[i] = px[i] + ((seed / 2 ** 31) * 2 - 1) * noise;
  }
  return px;
}

describe('glass-to-glass stamp', () => {
  it('round-trips clock values through bits', () => {
    for (const ms of [0, 1, 1234567, 2 ** 24 - 1, Date.UTC(2026, 10, 25, 21, 0, 0, 123)]) {
      expect(readBits(stampBits(ms))).toBe(ms % 2 ** 24);
    }
  });

  it('rejects a misread bit', () => {
    const bits = stampBits(987654);
    bits[3] = !bits[3];
    expect(readBits(bits)).toBeNull();
  });

  it('reads a stamp from pixels at camera and scaled sizes, with noise', () => {
    const ms = 1764104400123;
    for (const [w, h] of [[640, 480], [320, 240], [160, 120]]) {
      expect(readStamp(frame(w, h, ms, 40), w, h)).toBe(ms % 2 ** 24);
    }
  });

  it('reads a stamp from its rows alone', () => {
    const ms = 1764104400456;
    const [first] = stampRows(640, 480);
    expect(readStamp(frame(640, 480, ms, 20).slice(first * 640 * 4), 640, 480, first)).toBe(ms % 2 ** 24);
  });

  it('reads nothing from a frame without a stamp', () => {
    const px = new Uint8ClampedArray(320 * 240 * 4).fill(200);
    expect(readStamp(px, 320, 240)).toBeNull();
  });

  it('measures elapsed time across the wrap', () => {
    expect(elapsed(2 ** 24 - 10, 2 ** 24 + 30)).toBe(40);
    expect(elapsed(5, 1000 + 2 ** 24 * 3)).toBe(995);
  });
});
