// Public surface of core. Other roles import from here only.
export {
  ERROR_CATALOG,
  VoxfleetError,
  errorFromWire,
  invalidArgument,
  isErrorCode,
  toVoxfleetError,
} from './errors.js';
export type { ErrorCode, ErrorDetails, ErrorSpec, WireError } from './errors.js';
export { ManualClock, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { newId } from './ids.js';
export { RAW_ENCODINGS, SUPPORTED_INPUT_RATES_HZ } from './audio/types.js';
export type {
  AudioLimits,
  DecodedAudio,
  PcmAudio,
  RawEncoding,
  SpeechFormat,
} from './audio/types.js';
export type {
  AsrTask,
  FileTranscriptionRequest,
  FileTranscriptionResult,
  ModelDescriptor,
  ModelKind,
  StreamControl,
  StreamEvent,
  StreamOpenRequest,
  SynthesisRequest,
  TranscriptSegment,
  WordTiming,
} from './protocol.js';
