// Loudness of audio tracks, measured with WebAudio AnalyserNodes: for the speaking indicator, and for tests
// (headless Chromium reports inbound audioLevel 0, so RMS is the only measure of received audio). One
// AudioContext for every meter; nothing is connected to the speakers — playback is the media elements' job.

export function rms(samples: Float32Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

interface Meter {
  track: MediaStreamTrack;
  source: MediaStreamAudioSourceNode;
  analyser: AnalyserNode;
  buf: Float32Array<ArrayBuffer>;
}

export class AudioLevels {
  private ctx: AudioContext | null = null;
  private readonly meters = new Map<string, Meter>();
  private readonly unlock = () => void this.ctx?.resume().catch(() => {});

  /** Measures `track` under `key` (a peer id, or 'self'); null stops measuring it. */
  watch(key: string, track: MediaStreamTrack | null): void {
    const old = this.meters.get(key);
    if (old && old.track === track) return;
    if (old) {
      old.source.disconnect();
      this.meters.delete(key);
    }
    if (!track) return;
    const ctx = this.context();
    if (!ctx) return;
    try {
      const source = ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 1024;
      source.connect(analyser);
      this.meters.set(key, { track, source, analyser, buf: new Float32Array(analyser.fftSize) });
    } catch (err) {
      console.warn('audio meter failed', err);
    }
  }

  /** RMS (0..1) of the last ~20 ms of `key`'s audio; 0 without a meter or while the context is suspended. */
  level(key: string): number {
    const m = this.meters.get(key);
    if (!m || m.track.readyState === 'ended' || !m.track.enabled) return 0;
    m.analyser.getFloatTimeDomainData(m.buf);
    return rms(m.buf);
  }

  close(): void {
    for (const m of this.meters.values()) m.source.disconnect();
    this.meters.clear();
    document.removeEventListener('pointerdown', this.unlock, true);
    document.removeEventListener('keydown', this.unlock, true);
    void this.ctx?.close().catch(() => {});
    this.ctx = null;
  }

  private context(): AudioContext | null {
    if (this.ctx) return this.ctx;
    if (typeof AudioContext === 'undefined') return null;
    this.ctx = new AudioContext();
    if (this.ctx.state === 'suspended') {
      // Autoplay policy: a context made without a user gesture starts suspended; resume on the next one.
      void this.ctx.resume().catch(() => {});
      document.addEventListener('pointerdown', this.unlock, true);
      document.addEventListener('keydown', this.unlock, true);
    }
    return this.ctx;
  }
}
