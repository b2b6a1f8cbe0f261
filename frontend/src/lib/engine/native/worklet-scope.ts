// The AudioWorkletGlobalScope names the worklet processors use. The project's TypeScript lib is the DOM one
// (the worklets are bundled with the page's code), which does not declare them; this does, typed just enough.

export interface WorkletProcessor {
  readonly port: MessagePort;
}

interface WorkletScope {
  AudioWorkletProcessor: { new (): WorkletProcessor; prototype: WorkletProcessor };
  registerProcessor(name: string, ctor: new (options?: unknown) => WorkletProcessor): void;
}

const scope = globalThis as unknown as WorkletScope;

/** The base class to extend (only defined inside a worklet; the modules that use it only load there). */
export const ProcessorBase = scope.AudioWorkletProcessor;
export const registerProcessor = (name: string, ctor: new (options?: unknown) => WorkletProcessor) => scope.registerProcessor(name, ctor);

export const CAPTURE_PROCESSOR = 'parley-capture';
export const PLAYER_PROCESSOR = 'parley-player';
/** Samples per capture block and per Opus packet: 20 ms at 48 kHz. */
export const BLOCK_SAMPLES = 960;
