// The TypeScript SDK: what users import from 'voxfleet'.
export { ListenSession, streamPcm16 } from './listen-session.js';
export type { ListenOptions } from './listen-session.js';
export type { CallerOptions } from './caller.js';
export { synthesizeSpeech, transcribeBytes } from './http-client.js';
export type { SynthesizeOptions, TranscribeFileOptions, VerboseTranscript } from './http-client.js';
export { callAdminApi } from './admin-api.js';
export type { AdminCallOptions } from './admin-api.js';
export { VoxfleetError } from '../core/index.js';
export type { StreamEvent, WireError } from '../core/index.js';
