// One outgoing video source (camera or screen) on the main thread: its encode worker, and how frames reach it.
// Three ways, best first: a MediaStreamTrackProcessor on the window (Chromium) whose stream is transferred; the
// track itself transferred, read by a processor inside the worker (WebKit has the class only there); or frames
// grabbed from a hidden <video> on a timer (DESIGN 3.4: requestVideoFrameCallback never fires for a camera).
import type { EncoderSetting } from './messages';
import type { FromWorker, ToWorker } from './worker-protocol';

/**
 * Socket bytes queued above which the encoder drops frames (Go is not keeping up with us). Small: what waits
 * here is latency every later frame pays too; 256 KiB is a few keyframes.
 */
export const CONGESTED_BYTES = 256 << 10;
const CONGESTION_POLL_MS = 50;

interface TrackProcessorCtor {
  new (init: { track: MediaStreamTrack }): { readable: ReadableStream<VideoFrame> };
}

export interface VideoSenderOptions {
  source: 1 | 2;
  bitrate: number;
  fps: number;
  send(packet: ArrayBuffer): void;
  /** make bench: stamp the clock into each frame (in the worker, as the frame is taken). */
  stamp?: boolean;
  /** Bytes waiting on the socket. */
  buffered(): number;
}

export class VideoSender {
  private readonly worker: Worker;
  private readonly hello: Promise<boolean>;
  private track: MediaStreamTrack;
  private grabber: FrameGrabber | null = null;
  private congested = false;
  private paused = false;
  private fps: number;
  private readonly poll: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(track: MediaStreamTrack, private readonly opts: VideoSenderOptions) {
    this.track = track;
    this.fps = opts.fps;
    this.worker = new Worker(new URL('./encode-worker.ts', import.meta.url), { type: 'module', name: `encode-${opts.source}` });
    let helloResolve: (processor: boolean) => void = () => {};
    this.hello = new Promise((r) => (helloResolve = r));
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'hello') helloResolve(m.trackProcessor);
      else if (m.type === 'packet') this.packet(m.packet);
      else if (m.type === 'feed-failed') {
        console.warn('media engine: reading the track in the worker failed, grabbing frames instead:', m.message);
        this.grab();
      } else if (m.type === 'error') console.warn('media engine:', m.message);
    };
    this.worker.onerror = (e) => console.warn('media engine: encode worker failed', e.message);
    this.post({ type: 'init', source: opts.source, bitrate: opts.bitrate, fps: opts.fps, stamp: opts.stamp });
    // Backpressure is also lifted while nothing is being sent (the check on send would never run).
    this.poll = setInterval(() => this.checkCongestion(), CONGESTION_POLL_MS);
    void this.feed();
  }

  /** Swaps the captured track (a device switch) without touching the encoder; the next frame is a keyframe. */
  setTrack(track: MediaStreamTrack): void {
    if (this.closed || track === this.track) return;
    this.track = track;
    void this.feed();
    this.keyframe();
  }

  keyframe(): void {
    this.post({ type: 'keyframe' });
  }

  configure(s: EncoderSetting): void {
    this.fps = s.fps;
    this.grabber?.setFps(s.fps);
    this.post({ type: 'settings', bitrate: s.bitrate, scale: s.scale, fps: s.fps });
  }

  setPaused(paused: boolean): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.grabber?.setPaused(paused);
    this.post({ type: 'paused', value: paused });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poll);
    this.grabber?.stop();
    this.post({ type: 'close' });
    // Give the worker a moment to close its encoder and stop the transferred track, then make sure.
    setTimeout(() => this.worker.terminate(), 1000);
  }

  private async feed(): Promise<void> {
    this.grabber?.stop();
    this.grabber = null;
    this.post({ type: 'unfeed' });
    const track = this.track;
    const WindowProcessor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorCtor }).MediaStreamTrackProcessor;
    if (WindowProcessor) {
      try {
        const { readable } = new WindowProcessor({ track });
        this.worker.postMessage({ type: 'readable', readable } satisfies ToWorker, [readable as unknown as Transferable]);
        return;
      } catch (err) {
        console.warn('media engine: MediaStreamTrackProcessor on the page failed', err);
      }
    }
    const workerHasProcessor = await this.hello;
    if (this.closed || track !== this.track) return;
    // WebKitGTK's processor on a captured screen delivers a frame only when the picture changes and starves
    // the preview's <video> meanwhile (measured): a still screen would never reach a newcomer. Grabbing the
    // shown picture at the target rate sends it again and again, as a screen share needs.
    if (workerHasProcessor && this.opts.source !== 2) {
      // A clone: transferring detaches the track here, and the preview still shows the original.
      const clone = track.clone();
      try {
        this.worker.postMessage({ type: 'track', track: clone } satisfies ToWorker, [clone as unknown as Transferable]);
        return;
      } catch (err) {
        clone.stop();
        console.warn('media engine: a track cannot be transferred to a worker here', err);
      }
    }
    this.grab();
  }

  private grab(): void {
    if (this.closed) return;
    this.grabber?.stop();
    this.grabber = new FrameGrabber(this.track, this.fps, (frame) => {
      if (this.congested) {
        frame.close();
        return;
      }
      try {
        this.worker.postMessage({ type: 'frame', frame } satisfies ToWorker, [frame as unknown as Transferable]);
      } catch {
        frame.close();
      }
    });
    this.grabber.setPaused(this.paused);
  }

  private packet(packet: ArrayBuffer): void {
    if (this.closed) return;
    this.opts.send(packet);
    this.checkCongestion();
  }

  private checkCongestion(): void {
    const congested = this.opts.buffered() > CONGESTED_BYTES;
    if (congested === this.congested) return;
    this.congested = congested;
    this.post({ type: 'congested', value: congested });
  }

  private post(m: ToWorker): void {
    if (m.type !== 'close' && this.closed) return;
    this.worker.postMessage(m);
  }
}

/** The fallback feed: `new VideoFrame(video)` from a hidden, playing <video> at the target rate. */
class FrameGrabber {
  private readonly video: HTMLVideoElement;
  private timer: ReturnType<typeof setInterval> | null = null;
  private paused = false;

  constructor(
    track: MediaStreamTrack,
    private fps: number,
    private readonly deliver: (frame: VideoFrame) => void,
  ) {
    this.video = document.createElement('video');
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = new MediaStream([track]);
    this.video.play().catch((err: unknown) => console.warn('media engine: frame grabber cannot play', err));
    this.start();
  }

  setFps(fps: number): void {
    this.fps = fps;
    this.start();
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.video.pause();
    this.video.srcObject = null;
  }

  private start(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.tick(), 1000 / this.fps);
  }

  private tick(): void {
    const v = this.video;
    if (this.paused || v.readyState < 2 || v.videoWidth === 0) return;
    try {
      this.deliver(new VideoFrame(v, { timestamp: Math.round(performance.now() * 1000) }));
    } catch {
      /* no frame yet */
    }
  }
}
