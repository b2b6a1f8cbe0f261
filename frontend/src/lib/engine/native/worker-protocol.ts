// Messages between the main thread and an encode worker (encode-worker.ts). Types only, plus the name of the
// processor class that WebKit defines inside workers only.

export interface EncoderInit {
  type: 'init';
  source: 1 | 2;
  bitrate: number;
  fps: number;
  /** make bench: draw the clock into every frame as it is taken (bench/stamp.ts). */
  stamp?: boolean;
}

export type ToWorker =
  | EncoderInit
  /** Frames as a stream (MediaStreamTrackProcessor made on the main thread: Chromium). */
  | { type: 'readable'; readable: ReadableStream<VideoFrame> }
  /** A track to read inside the worker (WebKit, where the processor exists only in workers). */
  | { type: 'track'; track: MediaStreamTrack }
  /** One frame (the fallback: the main thread grabs frames from a <video>). */
  | { type: 'frame'; frame: VideoFrame }
  | { type: 'keyframe' }
  | { type: 'settings'; bitrate: number; scale: number; fps: number }
  /** The socket is backed up: drop frames before encoding. */
  | { type: 'congested'; value: boolean }
  /** The camera is off: encode nothing (the next frame after it is a keyframe). */
  | { type: 'paused'; value: boolean }
  /** Stop reading the current feed (a new one follows, or the worker is closing). */
  | { type: 'unfeed' }
  | { type: 'close' };

export type FromWorker =
  /** The worker started; whether it can read a track itself. */
  | { type: 'hello'; trackProcessor: boolean }
  /** A sample ready for the bridge: header written, payload after it. */
  | { type: 'packet'; packet: ArrayBuffer; keyframe: boolean }
  /** Reading a transferred track failed: the main thread falls back to grabbing frames. */
  | { type: 'feed-failed'; message: string }
  | { type: 'error'; message: string };
