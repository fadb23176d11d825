/** The stream open request tests use unless they need another: 16 kHz s16 PCM, interim results. */
import type { StreamOpenRequest } from '../../core/index.js';

export const PCM16_STREAM_REQUEST: StreamOpenRequest = Object.freeze({
  sessionId: 's',
  encoding: 'pcm_s16le',
  sampleRateHz: 16000,
  interimResults: true,
  endpointingMs: 500,
});
