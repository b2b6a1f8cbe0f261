// AudioWorklet processor: the microphone's channel 0 in 20 ms blocks (960 samples at 48 kHz), posted to the
// main thread (transferred) for the Opus encoder. Its output is silence; it is connected only so that it runs.
import { BLOCK_SAMPLES, CAPTURE_PROCESSOR, ProcessorBase, registerProcessor } from './worklet-scope';

class CaptureProcessor extends ProcessorBase {
  private block = new Float32Array(BLOCK_SAMPLES);
  private fill = 0;

  process(inputs: Float32Array[][]): boolean {
    const ch0 = inputs[0]?.[0];
    if (!ch0) return true; // no input connected (yet): nothing to capture
    let i = 0;
    while (i < ch0.length) {
      const n = Math.min(ch0.length - i, BLOCK_SAMPLES - this.fill);
      this.block.set(ch0.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === BLOCK_SAMPLES) {
        this.port.postMessage(this.block, [this.block.buffer]);
        this.block = new Float32Array(BLOCK_SAMPLES);
        this.fill = 0;
      }
    }
    return true;
  }
}

registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
