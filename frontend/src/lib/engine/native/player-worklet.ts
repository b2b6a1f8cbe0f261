// AudioWorklet processor: one remote peer's audio. Decoded packets arrive on the port as {ts, samples}
// (RTP timestamp at 48 kHz, unwrapped; mono f32); the jitter buffer places, conceals and paces them; every
// render quantum pulls one block. Stats go back to the main thread twice a second.
import { AudioJitter } from './audio-jitter';
import { PLAYER_PROCESSOR, ProcessorBase, registerProcessor } from './worklet-scope';

const STATS_EVERY = 48000 / 2;

class PlayerProcessor extends ProcessorBase {
  private readonly jitter = new AudioJitter();
  private sinceStats = 0;
  private closed = false;

  constructor() {
    super();
    this.port.onmessage = (e: MessageEvent) => {
      const m = e.data as { ts?: unknown; samples?: unknown; close?: unknown };
      if (m.close === true) this.closed = true;
      else if (typeof m.ts === 'number' && m.samples instanceof Float32Array) this.jitter.push(m.ts, m.samples);
    };
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.closed) return false;
    const out = outputs[0];
    if (!out || out.length === 0) return true;
    this.jitter.pull(out[0]);
    for (let c = 1; c < out.length; c++) out[c].set(out[0]);
    this.sinceStats += out[0].length;
    if (this.sinceStats >= STATS_EVERY) {
      this.sinceStats = 0;
      this.port.postMessage(this.jitter.stats());
    }
    return true;
  }
}

registerProcessor(PLAYER_PROCESSOR, PlayerProcessor);
