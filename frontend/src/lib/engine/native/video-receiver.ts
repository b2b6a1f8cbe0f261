// One remote video track: VP8 frames from the bridge → VideoDecoder → a canvas → canvas.captureStream(), the
// MediaStream the view's tile plays. Frames come whole and in order from a keyframe on (Go's jitter buffer);
// after a decoder error or reset, delta frames are skipped until the next keyframe.
import { elapsed, readStamp, stampRows } from '../../bench/stamp';
import type { MediaFrame } from './frames';
import { RtpUnwrapper, ticksToUs } from './rtp-time';

const VIDEO_CLOCK = 90_000;
/** A decoder this far behind is reset (and waits for a keyframe) rather than shown late. */
const MAX_DECODE_QUEUE = 30;
/** While waiting for a keyframe, ask Go for one at most this often (Go repeats its PLI meanwhile anyway). */
const KEYFRAME_ASK_MS = 1000;
/** Frames kept for the frame rate figure (a second's worth, with room). */
const RECENT_MAX = 120;

export interface VideoFigures {
  framesDecoded: number;
  width: number;
  height: number;
  fps: number;
}

export class VideoReceiver {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx2d: CanvasRenderingContext2D | null;
  private decoder: VideoDecoder | null = null;
  private needKey = true;
  private readonly unwrap = new RtpUnwrapper();
  private first: number | null = null;
  private framesDecoded = 0;
  private readonly recent: number[] = [];
  private stream: MediaStream | null = null;
  private closed = false;

  /**
   * `shown` is called with the stream once the first frame is on the canvas. `glass` (make bench) gets the
   * latency read from the stamp of each frame drawn.
   */
  private askedAt = -Infinity;

  /**
   * `askKeyframe` asks Go for a keyframe of this track (the decoder lost its place: a reset, an error): without
   * it the picture would stay frozen until the sender happens to send one.
   */
  constructor(
    private readonly shown: (stream: MediaStream) => void,
    private readonly glass: ((ms: number) => void) | null = null,
    private readonly askKeyframe: () => void = () => {},
  ) {
    this.canvas = document.createElement('canvas');
    this.ctx2d = this.canvas.getContext('2d');
  }

  push(f: MediaFrame): void {
    if (this.closed) return;
    if (!f.keyframe && (this.needKey || f.gap)) {
      this.needKey = true;
      this.ask();
      return;
    }
    const dec = this.ensureDecoder();
    if (dec.decodeQueueSize > MAX_DECODE_QUEUE) {
      this.reset();
      return;
    }
    const ts = this.unwrap.unwrap(f.timestamp);
    if (this.first === null) this.first = ts;
    try {
      // The chunk copies the bytes: the message's buffer is not kept.
      dec.decode(new EncodedVideoChunk({ type: f.keyframe ? 'key' : 'delta', timestamp: ticksToUs(ts, this.first, VIDEO_CLOCK), data: f.data }));
      this.needKey = false;
    } catch (err) {
      console.warn('media engine: video decode failed', err);
      this.reset();
    }
  }

  figures(): VideoFigures {
    const now = performance.now();
    while (this.recent.length > 0 && this.recent[0] < now - 1000) this.recent.shift();
    return { framesDecoded: this.framesDecoded, width: this.canvas.width, height: this.canvas.height, fps: this.recent.length };
  }

  get started(): boolean {
    return this.stream !== null;
  }

  close(): void {
    this.closed = true;
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.stream?.getTracks().forEach((t) => t.stop());
  }

  private ensureDecoder(): VideoDecoder {
    if (this.decoder && this.decoder.state !== 'closed') return this.decoder;
    const dec = new VideoDecoder({
      output: (frame) => this.draw(frame),
      error: (err) => {
        console.warn('media engine: video decoder failed', err);
        if (this.decoder === dec) this.reset();
      },
    });
    dec.configure({ codec: 'vp8', optimizeForLatency: true });
    this.decoder = dec;
    return dec;
  }

  /** The clock stamped into the frame just drawn (bench/stamp.ts): its age is this frame's glass-to-glass time. */
  private readStamp(w: number, h: number): void {
    const [first, rows] = stampRows(w, h);
    const stamp = readStamp(this.ctx2d!.getImageData(0, first, w, rows).data, w, h, first);
    if (stamp !== null) this.glass!(elapsed(stamp, Date.now()));
  }

  private reset(): void {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
    this.needKey = true;
    this.ask();
  }

  private ask(): void {
    const now = performance.now();
    if (this.closed || now - this.askedAt < KEYFRAME_ASK_MS) return;
    this.askedAt = now;
    this.askKeyframe();
  }

  private draw(frame: VideoFrame): void {
    try {
      if (this.closed || !this.ctx2d) return;
      const w = frame.displayWidth;
      const h = frame.displayHeight;
      if (this.canvas.width !== w || this.canvas.height !== h) {
        this.canvas.width = w;
        this.canvas.height = h;
      }
      this.ctx2d.drawImage(frame, 0, 0, w, h);
      if (this.glass) this.readStamp(w, h);
      this.framesDecoded++;
      this.recent.push(performance.now());
      if (this.recent.length > RECENT_MAX) this.recent.shift();
      if (!this.stream) {
        this.stream = this.canvas.captureStream();
        this.shown(this.stream);
      }
    } finally {
      frame.close();
    }
  }
}
