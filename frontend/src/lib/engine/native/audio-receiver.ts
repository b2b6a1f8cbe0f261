// One remote audio track: Opus packets from the bridge → AudioDecoder → channel 0 → the peer's player worklet
// (jitter buffer, concealment, pacing) → an AnalyserNode (the speaking indicator, tests' RMS) → the speakers.
// The view's MediaStream carries no audio: it would play twice.
import type { AudioGraph } from './audio-graph';
import type { JitterStats } from './audio-jitter';
import type { MediaFrame } from './frames';
import { RtpUnwrapper, ticksToUs } from './rtp-time';
import { PLAYER_PROCESSOR } from './worklet-scope';
import { rms } from '../audio-level';

const AUDIO_CLOCK = 48_000;

export class AudioReceiver {
  private decoder: AudioDecoder | null = null;
  private node: AudioWorkletNode | null = null;
  private readonly analyser: AnalyserNode;
  private readonly levelBuf: Float32Array<ArrayBuffer>;
  private readonly unwrap = new RtpUnwrapper();
  private first: number | null = null;
  private jitter: JitterStats | null = null;
  private closed = false;

  constructor(private readonly graph: AudioGraph) {
    this.analyser = graph.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.levelBuf = new Float32Array(this.analyser.fftSize);
    this.analyser.connect(graph.ctx.destination);
    void graph.ready().then(
      () => this.startPlayer(),
      (err: unknown) => console.warn('media engine: audio worklets failed to load', err),
    );
  }

  push(f: MediaFrame): void {
    if (this.closed) return;
    const ts = this.unwrap.unwrap(f.timestamp);
    if (this.first === null) this.first = ts;
    const dec = this.ensureDecoder();
    try {
      dec.decode(new EncodedAudioChunk({ type: 'key', timestamp: ticksToUs(ts, this.first, AUDIO_CLOCK), data: f.data }));
    } catch (err) {
      console.warn('media engine: audio decode failed', err);
      this.resetDecoder();
    }
  }

  level(): number {
    this.analyser.getFloatTimeDomainData(this.levelBuf);
    return rms(this.levelBuf);
  }

  /** The player's jitter buffer figures (twice a second), null before the first. */
  jitterStats(): JitterStats | null {
    return this.jitter;
  }

  close(): void {
    this.closed = true;
    this.resetDecoder();
    if (this.node) {
      this.node.port.postMessage({ close: true });
      this.node.port.onmessage = null;
      this.node.disconnect();
    }
    this.analyser.disconnect();
  }

  private startPlayer(): void {
    if (this.closed) return;
    const node = new AudioWorkletNode(this.graph.ctx, PLAYER_PROCESSOR, { numberOfInputs: 0, numberOfOutputs: 1, outputChannelCount: [1] });
    node.port.onmessage = (e: MessageEvent<JitterStats>) => (this.jitter = e.data);
    node.connect(this.analyser);
    this.node = node;
  }

  private ensureDecoder(): AudioDecoder {
    if (this.decoder && this.decoder.state !== 'closed') return this.decoder;
    const dec = new AudioDecoder({
      output: (data) => this.play(data),
      error: (err) => {
        console.warn('media engine: audio decoder failed', err);
        if (this.decoder === dec) this.decoder = null;
      },
    });
    // Two channels, as WebRTC signals Opus (opus/48000/2) whatever the sender captured.
    dec.configure({ codec: 'opus', sampleRate: AUDIO_CLOCK, numberOfChannels: 2 });
    this.decoder = dec;
    return dec;
  }

  private resetDecoder(): void {
    if (this.decoder && this.decoder.state !== 'closed') this.decoder.close();
    this.decoder = null;
  }

  private play(data: AudioData): void {
    try {
      if (!this.node || this.first === null) return;
      // Channel 0 as f32, converted by the decoder's own copy: WebKitGTK outputs interleaved stereo, and its
      // copyTo of an interleaved plane as it is frees a bad pointer (the web process dies); Chromium gives
      // planar. What a mono sender sent is in channel 0 either way.
      const plane0: AudioDataCopyToOptions = { planeIndex: 0, format: 'f32-planar' };
      const buf = new ArrayBuffer(data.allocationSize(plane0));
      data.copyTo(buf, plane0);
      const samples = new Float32Array(buf);
      // The decoder keeps each chunk's timestamp: back to the RTP clock for the jitter buffer's placement.
      const ts = this.first + Math.round((data.timestamp * AUDIO_CLOCK) / 1e6);
      this.node.port.postMessage({ ts, samples }, [samples.buffer]);
    } catch (err) {
      console.warn('media engine: audio output failed', err);
    } finally {
      data.close();
    }
  }
}
