// The encode worker's arithmetic, kept pure for tests: the frame size for a congestion-control scale, which
// frames to keep for a target frame rate, and the duration that times each sample's RTP timestamp.

/** Initial encoder settings per source; Go's `encoder` events take over once congestion control has a figure. */
export const CAMERA_DEFAULTS = { bitrate: 800_000, fps: 30 } as const;
export const SCREEN_DEFAULTS = { bitrate: 1_200_000, fps: 15 } as const;

/** Encoders want even sizes (4:2:0 chroma); never below 2×2. */
export function scaledSize(width: number, height: number, scale: number): { width: number; height: number } {
  const even = (v: number) => Math.max(2, Math.round(v / scale / 2) * 2);
  return { width: even(width), height: even(height) };
}

/**
 * Keeps frames at most `fps` a second from their timestamps (µs): a frame passes when it is due; the schedule
 * moves on by one period per kept frame, so a 30 fps source at 15 keeps every other frame, and at 10 every
 * third. A late or jumping source (a pause, a new device) restarts the schedule instead of bursting.
 */
export class FrameRateGate {
  private next: number | null = null;

  constructor(private fps: number) {}

  setFps(fps: number): void {
    if (fps !== this.fps) this.next = null;
    this.fps = fps;
  }

  accept(timestampUs: number): boolean {
    const period = 1e6 / this.fps;
    // Frames come a little early or late: accept a frame within a quarter period of its slot.
    const slack = period / 4;
    if (this.next === null || timestampUs < this.next - 2 * period || timestampUs > this.next + 2 * period) {
      this.next = timestampUs + period;
      return true;
    }
    if (timestampUs < this.next - slack) return false;
    this.next += period;
    return true;
  }
}

/** Bounds of a video sample's duration: no zero (a duplicate timestamp) and no multi-second jump after a pause. */
export const MIN_DURATION_US = 1_000;
export const MAX_DURATION_US = 500_000;

/**
 * A sample's duration sets the next sample's RTP timestamp (docs/MEDIA-BRIDGE.md). The next frame's time is not
 * known yet, so each sample carries the gap before it: the RTP clock then trails capture by one frame, steadily.
 */
export function sampleDuration(timestampUs: number, previousUs: number | null, fps: number): number {
  const d = previousUs === null ? 1e6 / fps : timestampUs - previousUs;
  return Math.round(Math.min(MAX_DURATION_US, Math.max(MIN_DURATION_US, d)));
}
