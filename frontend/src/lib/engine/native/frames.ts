// The bridge's binary frames (docs/MEDIA-BRIDGE.md, "Binary frames"): an 8-byte little-endian header, then the
// payload. Pure functions, shared by the main thread (audio) and the encode worker (video), which writes the
// header in place so that a video packet is never copied on the main thread.

export const HEADER_BYTES = 8;
const TYPE_SAMPLE = 1;
const TYPE_FRAME = 2;

/** Page → Go sources. */
export const SOURCE_AUDIO = 0;
export const SOURCE_VIDEO = 1;
export const SOURCE_SCREEN = 2;
export type SampleSource = typeof SOURCE_AUDIO | typeof SOURCE_VIDEO | typeof SOURCE_SCREEN;

export const FLAG_KEYFRAME = 1;
export const FLAG_GAP = 2;

const UINT32_MAX = 0xffffffff;

/** Writes a sample header at the start of `buf` (which must have room for it and the payload after it). */
export function writeSampleHeader(buf: ArrayBuffer, source: SampleSource, keyframe: boolean, durationUs: number): void {
  if (source !== SOURCE_AUDIO && source !== SOURCE_VIDEO && source !== SOURCE_SCREEN) throw new Error(`bad sample source ${source}`);
  if (!Number.isInteger(durationUs) || durationUs < 0 || durationUs > UINT32_MAX) throw new Error(`bad sample duration ${durationUs}`);
  if (buf.byteLength < HEADER_BYTES) throw new Error('sample buffer too small');
  const v = new DataView(buf);
  v.setUint8(0, TYPE_SAMPLE);
  v.setUint8(1, source);
  v.setUint8(2, keyframe ? FLAG_KEYFRAME : 0);
  v.setUint8(3, 0);
  v.setUint32(4, durationUs, true);
}

/** One sample as the bridge wants it: header + a copy of the payload. */
export function encodeSample(source: SampleSource, keyframe: boolean, durationUs: number, payload: Uint8Array): ArrayBuffer {
  const buf = new ArrayBuffer(HEADER_BYTES + payload.byteLength);
  writeSampleHeader(buf, source, keyframe, durationUs);
  new Uint8Array(buf, HEADER_BYTES).set(payload);
  return buf;
}

export interface SampleHeader {
  source: SampleSource;
  keyframe: boolean;
  durationUs: number;
}

/** The inverse of encodeSample, for tests and fakes of the Go side; null for anything malformed. */
export function decodeSampleHeader(buf: ArrayBuffer): SampleHeader | null {
  if (buf.byteLength < HEADER_BYTES) return null;
  const v = new DataView(buf);
  const source = v.getUint8(1);
  if (v.getUint8(0) !== TYPE_SAMPLE || source > SOURCE_SCREEN || v.getUint8(2) & ~FLAG_KEYFRAME || v.getUint8(3) !== 0) return null;
  return { source: source as SampleSource, keyframe: (v.getUint8(2) & FLAG_KEYFRAME) !== 0, durationUs: v.getUint32(4, true) };
}

/** One received frame from Go. `data` is a view into the message's buffer (no copy). */
export interface MediaFrame {
  keyframe: boolean;
  gap: boolean;
  track: number;
  timestamp: number;
  data: Uint8Array;
}

/** Parses a Go → page frame; null when the type, the flags or the size are wrong (the frame is dropped). */
export function decodeFrame(buf: ArrayBuffer): MediaFrame | null {
  if (buf.byteLength <= HEADER_BYTES) return null; // an empty payload is no frame either
  const v = new DataView(buf);
  const flags = v.getUint8(1);
  if (v.getUint8(0) !== TYPE_FRAME || flags & ~(FLAG_KEYFRAME | FLAG_GAP)) return null;
  return {
    keyframe: (flags & FLAG_KEYFRAME) !== 0,
    gap: (flags & FLAG_GAP) !== 0,
    track: v.getUint16(2, true),
    timestamp: v.getUint32(4, true),
    data: new Uint8Array(buf, HEADER_BYTES),
  };
}

/** The inverse of decodeFrame, for tests and fakes of the Go side. */
export function encodeFrame(f: Omit<MediaFrame, 'data'> & { data: Uint8Array }): ArrayBuffer {
  const buf = new ArrayBuffer(HEADER_BYTES + f.data.byteLength);
  const v = new DataView(buf);
  v.setUint8(0, TYPE_FRAME);
  v.setUint8(1, (f.keyframe ? FLAG_KEYFRAME : 0) | (f.gap ? FLAG_GAP : 0));
  v.setUint16(2, f.track, true);
  v.setUint32(4, f.timestamp >>> 0, true);
  new Uint8Array(buf, HEADER_BYTES).set(f.data);
  return buf;
}
