/**
 * WebSocket binary frames → mono float PCM. Each frame must hold whole samples: a sample split
 * across frames means the client's framing is broken, and guessing would shift every later
 * sample by a byte.
 */
import { SAMPLE_WIDTH_BYTES, decodeSamplesToMono } from './pcm-samples.js';
import { checkRawFormat, misalignedError } from './raw-pcm.js';
import type { RawEncoding } from './types.js';

export interface FrameDecoder {
  readonly encoding: RawEncoding;
  readonly sampleRateHz: number;
  /**
   * Decodes one frame. For `pcm_f32le` frames that are 4-byte aligned and already clean (finite,
   * within [-1, 1]) the result is a view over the frame's memory, not a copy: do not reuse the
   * frame's buffer afterwards. Other float values are sanitised in a copy (NaN/±Inf → 0, the rest
   * clamped to [-1, 1]; see sanitizeSample for why). Throws AUDIO_FRAME_MISALIGNED.
   */
  decode(frame: Uint8Array): Float32Array;
}

/**
 * Validates the stream's declared format once (INVALID_ARGUMENT for 'sample_rate',
 * AUDIO_UNSUPPORTED_ENCODING for 'encoding') and returns a stateless per-frame decoder.
 */
export function createFrameDecoder(encoding: RawEncoding, sampleRateHz: number): FrameDecoder {
  const format = checkRawFormat(encoding, sampleRateHz);
  const width = SAMPLE_WIDTH_BYTES[format];
  return Object.freeze({
    encoding,
    sampleRateHz,
    decode(frame: Uint8Array): Float32Array {
      if (frame.length % width !== 0) throw misalignedError('a frame', frame.length, encoding);
      if (frame.length === 0) return new Float32Array(0);
      return decodeSamplesToMono(frame, format, 1);
    },
  });
}
