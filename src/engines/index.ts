export type {
  AsrDecodeOptions,
  AsrDecodeResult,
  AsrDraft,
  DecodePass,
  FileAsrEngine,
  OnlineAsrEngine,
  OnlineAsrStream,
  SpeechSegment,
  TtsEngine,
  TtsOptions,
  VadEngine,
  VadOptions,
  VadSession,
} from './types.js';
export { createWhisperEngine } from './sherpa/whisper-engine.js';
export type { WhisperEngineConfig } from './sherpa/whisper-engine.js';
export { BACKGROUND_NICE, createWhisperThreadEngine } from './threads/whisper-thread-engine.js';
export type {
  ThreadedFileAsrEngine,
  WhisperThreadEngineConfig,
} from './threads/whisper-thread-engine.js';
export type { ThreadPoolStats } from './threads/thread-pool.js';
export { createPiperEngine } from './sherpa/piper-engine.js';
export type { PiperEngineConfig } from './sherpa/piper-engine.js';
export { createSileroVadEngine } from './sherpa/silero-vad-engine.js';
export type { SileroVadConfig, SileroVadEngine } from './sherpa/silero-vad-engine.js';
export { createWhisperOrtEngine } from './ort/whisper-ort-engine.js';
export type {
  WhisperOrtDecodeResult,
  WhisperOrtEngine,
  WhisperOrtEngineConfig,
} from './ort/whisper-ort-engine.js';
