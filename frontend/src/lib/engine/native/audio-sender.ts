// The microphone out: MediaStreamAudioSourceNode → capture worklet (channel 0, 20 ms blocks) → Opus
// AudioEncoder → one sample per 20 ms packet, its duration always 20000 µs (RTP timing from the packet length,
// not from chunk timestamps: the first chunk jumps by the encoder's lookahead, DESIGN 3.4). A muted mic is a
// disabled track: silence keeps flowing, so the receivers' timing never breaks.
import type { AudioGraph } from './audio-graph';
import { BLOCK_SAMPLES, CAPTURE_PROCESSOR } from './worklet-scope';

const PACKET_US = 20_000;
const OPUS_BITRATE = 32_000;
/** A backlog beyond this (the encoder stalled) is dropped rather than sent late. */
const MAX_QUEUE = 10;

export class AudioSender {
  private source: MediaStreamAudioSourceNode | null = null;
  private node: AudioWorkletNode | null = null;
  private encoder: AudioEncoder | null = null;
  private readonly analyser: AnalyserNode;
  private readonly levelBuf: Float32Array<ArrayBuffer>;
  private blocks = 0;
  private closed = false;

  constructor(
    private readonly graph: AudioGraph,
    private track: MediaStreamTrack,
    private readonly send: (opus: Uint8Array) => void,
  ) {
    this.analyser = graph.ctx.createAnalyser();
    this.analyser.fftSize = 1024;
    this.levelBuf = new Float32Array(this.analyser.fftSize);
    void this.start();
  }

  setTrack(track: MediaStreamTrack): void {
    this.track = track;
    this.connect();
  }

  /** The analyser on what we capture (for the self speaking indicator). */
  levelAnalyser(): { analyser: AnalyserNode; buf: Float32Array<ArrayBuffer> } {
    return { analyser: this.analyser, buf: this.levelBuf };
  }

  get liveTrack(): MediaStreamTrack {
    return this.track;
  }

  close(): void {
    this.closed = true;
    this.source?.disconnect();
    this.node?.disconnect();
    if (this.node) this.node.port.onmessage = null;
    if (this.encoder && this.encoder.state !== 'closed') this.encoder.close();
  }

  private async start(): Promise<void> {
    try {
      await this.graph.ready();
      if (this.closed) return;
      this.encoder = await makeEncoder((chunk) => {
        const data = new Uint8Array(chunk.byteLength);
        chunk.copyTo(data);
        this.send(data);
      });
      const node = new AudioWorkletNode(this.graph.ctx, CAPTURE_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      node.port.onmessage = (e: MessageEvent<Float32Array<ArrayBuffer>>) => this.block(e.data);
      // A node not connected toward the destination may never be processed: its output is silence anyway.
      node.connect(this.graph.ctx.destination);
      this.node = node;
      this.connect();
    } catch (err) {
      console.warn('media engine: microphone capture failed', err);
    }
  }

  private connect(): void {
    if (!this.node || this.closed) return;
    this.source?.disconnect();
    this.source = this.graph.ctx.createMediaStreamSource(new MediaStream([this.track]));
    this.source.connect(this.node);
    this.source.connect(this.analyser);
  }

  private block(samples: Float32Array<ArrayBuffer>): void {
    const enc = this.encoder;
    if (!enc || enc.state !== 'configured' || samples.length !== BLOCK_SAMPLES) return;
    if (enc.encodeQueueSize > MAX_QUEUE) return;
    const data = new AudioData({
      format: 'f32',
      sampleRate: 48000,
      numberOfFrames: BLOCK_SAMPLES,
      numberOfChannels: 1,
      timestamp: this.blocks++ * PACKET_US,
      data: samples,
    });
    try {
      enc.encode(data);
    } finally {
      data.close();
    }
  }
}

async function makeEncoder(output: (chunk: EncodedAudioChunk) => void): Promise<AudioEncoder> {
  const encoder = new AudioEncoder({ output, error: (err) => console.warn('media engine: Opus encoder failed', err) });
  const base: AudioEncoderConfig = { codec: 'opus', sampleRate: 48000, numberOfChannels: 1, bitrate: OPUS_BITRATE };
  // One 20 ms frame per packet is the default; say so where the option is understood.
  const withFrame = { ...base, opus: { frameDuration: PACKET_US } } as AudioEncoderConfig;
  let config = base;
  try {
    if ((await AudioEncoder.isConfigSupported(withFrame)).supported) config = withFrame;
  } catch {
    /* keep the base config */
  }
  encoder.configure(config);
  return encoder;
}
