// One video source's encoder, in a Worker so that encoding never stalls the page: frames in (a stream, a
// track, or single frames), VP8 out as bridge-ready packets. Drops frames before encoding when the encoder or
// the socket is behind; a keyframe on the first frame, on request, after a pause and after a size change;
// congestion control's settings applied as they come (bitrate without a keyframe, scale, frame rate).
import { CAMERA_DEFAULTS, FrameRateGate, sampleDuration, scaledSize } from './encoder-settings';
import { drawStamp } from '../../bench/stamp';
import { HEADER_BYTES, writeSampleHeader } from './frames';
import type { FromWorker, ToWorker } from './worker-protocol';

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  MediaStreamTrackProcessor?: TrackProcessorCtor;
  close(): void;
};

const post = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

/** The encoder may hold this many frames before new ones are dropped (DESIGN 3.4). */
const MAX_QUEUE = 2;

let source: 1 | 2 = 1;
let bitrate: number = CAMERA_DEFAULTS.bitrate;
let fps: number = CAMERA_DEFAULTS.fps;
let scale = 1;
const gate = new FrameRateGate(fps);
let encoder: VideoEncoder | null = null;
let configured = { width: 0, height: 0, bitrate: 0, fps: 0 };
let wantKey = true;
let congested = false;
let paused = false;
let lastTs: number | null = null;
let reader: ReadableStreamDefaultReader<VideoFrame> | null = null;
let feedTrack: MediaStreamTrack | null = null;
let canvas: OffscreenCanvas | null = null;
let closed = false;
/** make bench: the clock is drawn into each frame before encoding. */
let stamp = false;
/** Frames read from the current feed (a processor that never delivers is replaced by grabbing). */
let framesRead = 0;

scope.onmessage = (e) => {
  const m = e.data;
  switch (m.type) {
    case 'init':
      stamp = m.stamp === true;
      source = m.source;
      bitrate = m.bitrate;
      fps = m.fps;
      gate.setFps(fps);
      break;
    case 'readable':
      void read(m.readable);
      break;
    case 'track':
      readTrack(m.track);
      break;
    case 'frame':
      encodeFrame(m.frame);
      break;
    case 'keyframe':
      wantKey = true;
      break;
    case 'settings':
      bitrate = m.bitrate;
      scale = m.scale;
      fps = m.fps;
      gate.setFps(fps);
      break;
    case 'congested':
      congested = m.value;
      break;
    case 'paused':
      if (paused && !m.value) wantKey = true;
      paused = m.value;
      break;
    case 'unfeed':
      unfeed();
      break;
    case 'close':
      closed = true;
      unfeed();
      if (encoder && encoder.state !== 'closed') encoder.close();
      scope.close();
      break;
  }
};
post({ type: 'hello', trackProcessor: typeof scope.MediaStreamTrackProcessor === 'function' });

/** A processor that gives no frame this long is not going to (WebKitGTK's, for a captured screen). */
const FIRST_FRAME_MS = 2000;

function readTrack(track: MediaStreamTrack): void {
  const Processor = scope.MediaStreamTrackProcessor;
  try {
    if (!Processor) throw new Error('no MediaStreamTrackProcessor in the worker');
    feedTrack = track;
    const readable = new Processor({ track }).readable;
    void read(readable);
    const r = reader;
    setTimeout(() => {
      if (reader !== r || framesRead > 0 || closed) return;
      unfeed();
      post({ type: 'feed-failed', message: `no frame from the track within ${FIRST_FRAME_MS} ms` });
    }, FIRST_FRAME_MS);
  } catch (err) {
    track.stop();
    feedTrack = null;
    post({ type: 'feed-failed', message: String(err) });
  }
}

async function read(readable: ReadableStream<VideoFrame>): Promise<void> {
  unfeedReader();
  framesRead = 0;
  const r = readable.getReader();
  reader = r;
  try {
    for (;;) {
      const { value, done } = await r.read();
      if (done || reader !== r) {
        value?.close();
        break;
      }
      framesRead++;
      encodeFrame(value);
    }
  } catch (err) {
    if (reader === r && !closed) post({ type: 'feed-failed', message: String(err) });
  }
}

function unfeedReader(): void {
  const r = reader;
  reader = null;
  r?.cancel().catch(() => {});
}

function unfeed(): void {
  unfeedReader();
  feedTrack?.stop();
  feedTrack = null;
}

function encodeFrame(frame: VideoFrame): void {
  try {
    if (closed || paused || congested || !gate.accept(frame.timestamp)) return;
    if (encoder && encoder.encodeQueueSize > MAX_QUEUE) return;
    const size = scaledSize(frame.displayWidth, frame.displayHeight, scale);
    const enc = ensureEncoder(size.width, size.height);
    if (!enc) return;
    const input = stamp || size.width !== frame.displayWidth || size.height !== frame.displayHeight ? scaled(frame, size.width, size.height) : frame;
    try {
      enc.encode(input, { keyFrame: wantKey });
      wantKey = false;
    } finally {
      if (input !== frame) input.close();
    }
  } catch (err) {
    post({ type: 'error', message: `encode: ${String(err)}` });
    resetEncoder();
  } finally {
    frame.close();
  }
}

/** A smaller (or stamped) copy of the frame. Drawing on an OffscreenCanvas works in Chromium and WebKit alike. */
function scaled(frame: VideoFrame, width: number, height: number): VideoFrame {
  if (!canvas) canvas = new OffscreenCanvas(width, height);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(frame, 0, 0, width, height);
  if (stamp) drawStamp(ctx, width, height, Date.now());
  return new VideoFrame(canvas, { timestamp: frame.timestamp });
}

function ensureEncoder(width: number, height: number): VideoEncoder | null {
  if (!encoder || encoder.state === 'closed') {
    encoder = new VideoEncoder({ output: chunkOut, error: (err) => encoderFailed(err) });
    configured = { width: 0, height: 0, bitrate: 0, fps: 0 };
  }
  const c = configured;
  if (c.width !== width || c.height !== height || c.bitrate !== bitrate || c.fps !== fps) {
    // A new size starts a new stream: the decoder needs a keyframe. A new bitrate or rate does not.
    if (c.width !== width || c.height !== height) wantKey = true;
    encoder.configure({ codec: 'vp8', width, height, bitrate, framerate: fps, latencyMode: 'realtime' });
    configured = { width, height, bitrate, fps };
  }
  return encoder;
}

function chunkOut(chunk: EncodedVideoChunk): void {
  const duration = sampleDuration(chunk.timestamp, lastTs, fps);
  lastTs = chunk.timestamp;
  const packet = new ArrayBuffer(HEADER_BYTES + chunk.byteLength);
  const keyframe = chunk.type === 'key';
  writeSampleHeader(packet, source, keyframe, duration);
  chunk.copyTo(new Uint8Array(packet, HEADER_BYTES));
  post({ type: 'packet', packet, keyframe }, [packet]);
}

function encoderFailed(err: unknown): void {
  post({ type: 'error', message: `encoder: ${String(err)}` });
  resetEncoder();
}

function resetEncoder(): void {
  if (encoder && encoder.state !== 'closed') encoder.close();
  encoder = null;
  wantKey = true;
}
