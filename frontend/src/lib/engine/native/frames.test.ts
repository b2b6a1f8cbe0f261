import { describe, expect, it } from 'vitest';
import { decodeFrame, decodeSampleHeader, encodeFrame, encodeSample, writeSampleHeader, HEADER_BYTES } from './frames';

describe('sample frames (page → Go)', () => {
  it('round-trips the header and keeps the payload', () => {
    const payload = new Uint8Array([9, 8, 7]);
    const buf = encodeSample(2, true, 33_333, payload);
    expect(buf.byteLength).toBe(HEADER_BYTES + 3);
    expect([...new Uint8Array(buf, 0, 8)]).toEqual([1, 2, 1, 0, 0x35, 0x82, 0, 0]);
    expect(decodeSampleHeader(buf)).toEqual({ source: 2, keyframe: true, durationUs: 33_333 });
    expect([...new Uint8Array(buf, HEADER_BYTES)]).toEqual([9, 8, 7]);
    expect(decodeSampleHeader(encodeSample(0, false, 20_000, new Uint8Array(1)))).toEqual({ source: 0, keyframe: false, durationUs: 20_000 });
  });
  it('refuses to write a bad source or duration', () => {
    const buf = new ArrayBuffer(16);
    expect(() => writeSampleHeader(buf, 3 as 0, false, 1)).toThrow();
    expect(() => writeSampleHeader(buf, 1, false, -1)).toThrow();
    expect(() => writeSampleHeader(buf, 1, false, 1.5)).toThrow();
    expect(() => writeSampleHeader(buf, 1, false, 2 ** 32)).toThrow();
    expect(() => writeSampleHeader(new ArrayBuffer(4), 1, false, 1)).toThrow();
  });
});

describe('media frames (Go → page)', () => {
  it('round-trips', () => {
    const f = { keyframe: true, gap: true, track: 513, timestamp: 0xfffffff0, data: new Uint8Array([1, 2, 3, 4]) };
    const d = decodeFrame(encodeFrame(f))!;
    expect({ ...d, data: [...d.data] }).toEqual({ ...f, data: [1, 2, 3, 4] });
    const plain = decodeFrame(encodeFrame({ keyframe: false, gap: false, track: 0, timestamp: 0, data: new Uint8Array(1) }))!;
    expect([plain.keyframe, plain.gap, plain.track]).toEqual([false, false, 0]);
  });
  it('rejects frames of the wrong type, with unknown flags, or too short', () => {
    const good = encodeFrame({ keyframe: false, gap: false, track: 1, timestamp: 1, data: new Uint8Array(2) });
    expect(decodeFrame(good)).not.toBeNull();
    const wrongType = good.slice(0);
    new Uint8Array(wrongType)[0] = 1;
    expect(decodeFrame(wrongType)).toBeNull();
    const badFlags = good.slice(0);
    new Uint8Array(badFlags)[1] = 4;
    expect(decodeFrame(badFlags)).toBeNull();
    expect(decodeFrame(good.slice(0, HEADER_BYTES))).toBeNull(); // header, no payload
    expect(decodeFrame(new ArrayBuffer(3))).toBeNull();
    expect(decodeSampleHeader(good)).toBeNull();
  });
});
