// The stream protocols `voxfleet loadtest --protocol` speaks, and their shared interface.
export { streamProtocolFor } from './stream-protocols.js';
export { EMPTY_VIEW, viewUpdates } from './stream-protocol.js';
export type {
  OpenStreamOptions,
  StreamProtocol,
  StreamSession,
  StreamUpdate,
  TranscriptView,
} from './stream-protocol.js';
export { voxfleetProtocol, voxfleetUpdates } from './voxfleet.js';
export {
  SETTLE_MAX_MS,
  SETTLE_QUIET_MS,
  WHISPERLIVE_SESSION_DEFAULTS,
  WhisperLiveTranscript,
  parseWhisperLiveMessage,
  whisperLiveProtocol,
} from './whisperlive.js';
export type { WhisperLiveMessage, WhisperLiveSegment } from './whisperlive.js';
export { parseWhisperLiveKitMessage, whisperLiveKitProtocol } from './whisperlivekit.js';
export type { WhisperLiveKitMessage } from './whisperlivekit.js';
