// The DOM side of the glass-to-glass stamp (stamp.ts): a camera track with the clock drawn in, and a reader
// that samples what the remote tiles show. Used only when the benchmark asks for it (isStampEnabled).
import { drawStamp, elapsed, readStamp, stampRows } from './stamp';

/** `?stamp=1` in the page URL, or the desktop app launched with PARLEY_BENCH_STAMP=1 (its launch options). */
export function isStampEnabled(search: string = globalThis.location?.search ?? '', launchStamp = false): boolean {
  return launchStamp || new URLSearchParams(search).get('stamp') === '1';
}

/**
 * A copy of a camera track with the clock drawn along its bottom edge, at the camera's size, 30 fps. The
 * source keeps running underneath; stopping the returned track stops it too.
 */
export function stampedTrack(source: MediaStreamTrack): MediaStreamTrack {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([source]);
  void video.play().catch(() => {});
  const canvas = document.createElement('canvas');
  const s = source.getSettings();
  canvas.width = s.width ?? 640;
  canvas.height = s.height ?? 480;
  const g = canvas.getContext('2d')!;
  const timer = setInterval(() => {
    if (video.videoWidth && (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight)) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
    }
    if (video.readyState >= 2) g.drawImage(video, 0, 0, canvas.width, canvas.height);
    drawStamp(g, canvas.width, canvas.height, Date.now());
  }, 1000 / 30);
  const out = canvas.captureStream(30).getVideoTracks()[0];
  const stopBoth = out.stop.bind(out);
  out.stop = () => {
    clearInterval(timer);
    source.stop();
    video.srcObject = null;
    stopBoth();
  };
  return out;
}

/** Latency samples (ms) per peer, read from the remote camera tiles on every animation frame. */
export class GlassReader {
  private readonly samples = new Map<string, number[]>();
  private readonly canvas = document.createElement('canvas');
  private readonly lastStamp = new Map<string, number>();
  private raf = 0;

  start(): void {
    const tick = () => {
      this.read();
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  stop(): void {
    cancelAnimationFrame(this.raf);
  }

  /** The samples gathered since the last call, per peer id. */
  take(): Record<string, number[]> {
    const out = Object.fromEntries(this.samples);
    this.samples.clear();
    return out;
  }

  private read(): void {
    const now = Date.now();
    for (const tile of document.querySelectorAll('[data-testid="tile"][data-kind="camera"]')) {
      if (tile.getAttribute('data-self') === 'true') continue;
      const peer = tile.getAttribute('data-peer-id');
      const v = tile.querySelector('video');
      if (!peer || !v || !v.videoWidth) continue;
      // Only the stamp rows are copied: reading the whole frame 60 times a second would cost more than the call.
      const w = v.videoWidth;
      const h = v.videoHeight;
      const [first, rows] = stampRows(w, h);
      if (this.canvas.width !== w || this.canvas.height !== rows) {
        this.canvas.width = w;
        this.canvas.height = rows;
      }
      const g = this.canvas.getContext('2d', { willReadFrequently: true })!;
      g.drawImage(v, 0, first, w, rows, 0, 0, w, rows);
      const stamp = readStamp(g.getImageData(0, 0, w, rows).data, w, h, first);
      // A frame shown for several animation frames is counted once: its first sight is its glass time.
      if (stamp === null || this.lastStamp.get(peer) === stamp) continue;
      this.lastStamp.set(peer, stamp);
      const list = this.samples.get(peer) ?? [];
      list.push(elapsed(stamp, now));
      this.samples.set(peer, list);
    }
  }
}
