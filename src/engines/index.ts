export type {
  AsrDecodeOptions,
  AsrDecodeResult,
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
