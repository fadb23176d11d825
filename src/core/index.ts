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
export { ManualClock, sleep, systemClock } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { newId } from './ids.js';
export { BYTES_PER_SAMPLE, RAW_ENCODINGS, SUPPORTED_INPUT_RATES_HZ } from './audio/types.js';
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
export { SERVE_DEFAULTS, compileServeConfig, defaultDataDir } from './config.js';
export type { ServeConfig, ServeOptions } from './config.js';
export { decodeAudioFile, SUPPORTED_AUDIO_CONTAINERS } from './audio/decode-audio-file.js';
export { decodeRawPcm } from './audio/raw-pcm.js';
export { createFrameDecoder } from './audio/frame-decoder.js';
export type { FrameDecoder } from './audio/frame-decoder.js';
export {
  createStreamResampler,
  expectedOutputLength,
  preloadResampler,
  resample,
} from './audio/resampler.js';
export type { StreamResampler } from './audio/resampler.js';
export {
  createSpeechEncoder,
  OPENAI_PCM_RATE_HZ,
  SUPPORTED_SPEECH_FORMATS,
} from './audio/speech-encoder.js';
export type { SpeechEncoder } from './audio/speech-encoder.js';
export { encodeWav, floatToInt16, toPcm16 } from './audio/wav-writer.js';
export { isNonSpeechTag, stripNonSpeechTags } from './text/non-speech-tags.js';
export { mapLimited } from './map-limited.js';
export { alignTokens } from './text/align.js';
export type { AlignOp, AlignedPair, Alignment, EditCounts } from './text/align.js';
