/**
 * The slice of `sherpa-onnx-node` (a CommonJS N-API addon) that voxfleet uses, typed.
 * Loaded lazily so that importing the engines role never loads native code.
 */
import { createRequire } from 'node:module';

export interface SherpaOfflineStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
}

export interface SherpaOfflineResult {
  text: string;
  lang: string;
  tokens: string[];
}

export interface SherpaOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decodeAsync(stream: SherpaOfflineStream): Promise<SherpaOfflineResult>;
  /** Decodes on the calling thread (inference threads use it; the event loop never does). */
  decode(stream: SherpaOfflineStream): void;
  getResult(stream: SherpaOfflineStream): SherpaOfflineResult;
}

export interface SherpaSpeechSegment {
  start: number;
  samples: Float32Array;
}

export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(): SherpaSpeechSegment;
  pop(): void;
  flush(): void;
  reset(): void;
}

export interface SherpaTtsAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface SherpaOfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generateAsync(request: {
    text: string;
    sid: number;
    speed: number;
    generationConfig: unknown;
    onProgress: (chunk: { samples: Float32Array; progress: number }) => number;
  }): Promise<SherpaTtsAudio>;
}

export interface SherpaModule {
  OfflineRecognizer: {
    new (config: object): SherpaOfflineRecognizer;
    createAsync(config: object): Promise<SherpaOfflineRecognizer>;
  };
  OfflineTts: { createAsync(config: object): Promise<SherpaOfflineTts> };
  Vad: new (config: object, bufferSizeInSeconds: number) => SherpaVad;
  GenerationConfig: new (options: { silenceScale: number; speed: number; sid: number }) => unknown;
}

let cached: SherpaModule | undefined;

export function loadSherpa(): SherpaModule {
  cached ??= createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  return cached;
}
