// The native engine's one AudioContext (48 kHz: Opus's rate; the mock and many real mics are 44.1 kHz and the
// context resamples), with the capture and player worklets loaded. A context made without a user gesture starts
// suspended (WebKitGTK: resume() only works after a click), so a suspended context counts as "sound blocked"
// for the view's click-to-enable prompt, and any click or key resumes it.
import { registerSoundGate } from '../../media-element';
import captureWorkletUrl from './capture-worklet.ts?worker&url';
import playerWorkletUrl from './player-worklet.ts?worker&url';

/** Chromium reports 'suspended' for a moment even when sound is allowed: only call it blocked after this. */
const BLOCKED_AFTER_MS = 700;

let primed: AudioContext | null = null;

/**
 * Makes the AudioContext the next AudioGraph will use, resumed now: call it from the click that joins a call,
 * while the click still counts as a user gesture (WebKitGTK allows sound, and microphone capture through the
 * context, only then). Only where the native engine is the one that will run: a browser's own engine has no
 * use for it.
 */
export function primeAudio(): void {
  if (typeof RTCPeerConnection !== 'undefined' || typeof AudioContext === 'undefined') return;
  if (primed && primed.state !== 'closed') return;
  primed = new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
  void primed.resume().catch(() => {});
}

export class AudioGraph {
  readonly ctx: AudioContext;
  private readonly modules: Promise<void>;
  private readonly gate: { changed(): void; remove(): void };
  private settled = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly resume = () => {
    if (this.ctx.state === 'suspended') void this.ctx.resume().catch(() => {});
  };

  constructor() {
    this.ctx = primed && primed.state !== 'closed' ? primed : new AudioContext({ sampleRate: 48000, latencyHint: 'interactive' });
    primed = null;
    this.modules = Promise.all([this.ctx.audioWorklet.addModule(captureWorkletUrl), this.ctx.audioWorklet.addModule(playerWorkletUrl)]).then(() => {});
    this.gate = registerSoundGate(
      () => this.settled && this.ctx.state === 'suspended',
      () => this.resume(),
    );
    this.ctx.onstatechange = () => this.gate.changed();
    this.timer = setTimeout(() => {
      this.settled = true;
      this.gate.changed();
    }, BLOCKED_AFTER_MS);
    this.resume();
    document.addEventListener('pointerdown', this.resume, true);
    document.addEventListener('keydown', this.resume, true);
  }

  /** Resolves when the worklet processors can be created. */
  ready(): Promise<void> {
    return this.modules;
  }

  close(): void {
    clearTimeout(this.timer);
    this.gate.remove();
    document.removeEventListener('pointerdown', this.resume, true);
    document.removeEventListener('keydown', this.resume, true);
    this.ctx.onstatechange = null;
    void this.ctx.close().catch(() => {});
  }
}
