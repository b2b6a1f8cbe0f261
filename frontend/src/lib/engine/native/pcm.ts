// Decoded audio as one mono channel. WebKit's Opus AudioDecoder outputs interleaved f32 stereo even when
// configured mono (docs DESIGN 3.4); Chromium gives planar. Channel 0 is what a mono sender put there.

export type PcmFormat = 'u8' | 's16' | 's32' | 'f32' | 'u8-planar' | 's16-planar' | 's32-planar' | 'f32-planar';

/** The plane to copy out of an AudioData for channel 0 (always plane 0), and how many samples of it to read. */
export function firstChannel(format: PcmFormat, channels: number, frames: number, plane0: ArrayBuffer): Float32Array<ArrayBuffer> {
  const planar = format.endsWith('-planar');
  const stride = planar ? 1 : Math.max(1, channels);
  const out = new Float32Array(frames);
  const base = format.replace('-planar', '');
  const src =
    base === 'f32' ? new Float32Array(plane0) : base === 's16' ? new Int16Array(plane0) : base === 's32' ? new Int32Array(plane0) : new Uint8Array(plane0);
  const scale = base === 'f32' ? 1 : base === 's16' ? 1 / 0x8000 : base === 's32' ? 1 / 0x8000_0000 : 1 / 0x80;
  const offset = base === 'u8' ? 0x80 : 0;
  const n = Math.min(frames, Math.floor(src.length / stride));
  for (let i = 0; i < n; i++) out[i] = (src[i * stride] - offset) * scale;
  return out;
}
