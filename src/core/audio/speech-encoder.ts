/**
 * Streaming encoders for synthesised speech (OpenAI `response_format`). Each push returns bytes
 * that can be written to the response at once; `end()` returns what is left.
 *
 * - wav: a 44-byte header whose RIFF and data sizes are 0xFFFFFFFF, because the length is not
 *   known when the first bytes leave (OpenAI's streamed WAV does the same), then s16le mono at
 *   the model's rate.
 * - pcm: raw s16le mono at 24 kHz. OpenAI documents `pcm` as "24kHz (16-bit signed,
 *   low-endian), without the header", and clients play it at 24 kHz without asking, so audio
 *   from a model at another rate (Piper voices are 16 or 22.05 kHz) is resampled to 24 kHz.
 * - mp3: mono MP3 from lamejs, at the model's rate when MP3 can carry it, else at 24 kHz.
 * - flac, opus: refused with UNSUPPORTED_RESPONSE_FORMAT; there is no maintained pure-JS/wasm
 *   encoder for them among our dependencies.
 */
import { VoxfleetError, invalidArgument } from '../errors.js';
import { DeferredResampler } from './deferred-resampler.js';
import { MP3_RATES_HZ, createMp3StreamEncoder, concatBytes } from './mp3-encoder.js';
import type { SpeechFormat } from './types.js';
import { toPcm16, writeWavHeader } from './wav-writer.js';

export interface SpeechEncoder {
  readonly contentType: string;
  /** Rate of the encoded audio: the model's rate, except for pcm (always 24 kHz). */
  readonly sampleRateHz: number;
  /** Encodes the next samples; returns the bytes ready now (possibly none). */
  push(samples: Float32Array): Uint8Array;
  /** Finishes the stream; returns the remaining bytes. */
  end(): Uint8Array;
}

/** Formats createSpeechEncoder produces, OpenAI's default first. */
export const SUPPORTED_SPEECH_FORMATS: readonly SpeechFormat[] = Object.freeze([
  'mp3',
  'wav',
  'pcm',
]);

/** The rate OpenAI's `pcm` format is defined at. */
export const OPENAI_PCM_RATE_HZ = 24_000;

const CONTENT_TYPES: Readonly<Record<SpeechFormat, string>> = Object.freeze({
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
  flac: 'audio/flac',
  opus: 'audio/opus',
});

/**
 * An encoder for `format` fed with mono float PCM at `sampleRateHz`. Throws
 * UNSUPPORTED_RESPONSE_FORMAT (field 'response_format') for formats we cannot produce.
 */
export function createSpeechEncoder(format: SpeechFormat, sampleRateHz: number): SpeechEncoder {
  if (!SUPPORTED_SPEECH_FORMATS.includes(format)) {
    throw new VoxfleetError(
      'UNSUPPORTED_RESPONSE_FORMAT',
      `'response_format' must be one of ${SUPPORTED_SPEECH_FORMATS.join(', ')} (got ${JSON.stringify(String(format)).slice(0, 40)})`,
      { field: 'response_format' },
    );
  }
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 1000 || sampleRateHz > 192_000) {
    throw invalidArgument('sample_rate', 'must be an integer from 1000 to 192000 Hz', sampleRateHz);
  }
  switch (format) {
    case 'wav':
      return createWavEncoder(sampleRateHz);
    case 'pcm':
      return createPcmEncoder(sampleRateHz);
    default:
      return createMp3Encoder(sampleRateHz);
  }
}

function createWavEncoder(sampleRateHz: number): SpeechEncoder {
  let headerSent = false;
  const header = (): Uint8Array[] => {
    if (headerSent) return [];
    headerSent = true;
    return [writeWavHeader(sampleRateHz, 1, undefined)];
  };
  return {
    contentType: CONTENT_TYPES.wav,
    sampleRateHz,
    push: (samples) => concatBytes([...header(), toPcm16(samples)]),
    end: () => concatBytes([...header(), new Uint8Array(0)]),
  };
}

function createPcmEncoder(sampleRateHz: number): SpeechEncoder {
  const resampler =
    sampleRateHz === OPENAI_PCM_RATE_HZ
      ? undefined
      : new DeferredResampler(sampleRateHz, OPENAI_PCM_RATE_HZ);
  return {
    contentType: CONTENT_TYPES.pcm,
    sampleRateHz: OPENAI_PCM_RATE_HZ,
    push: (samples) => toPcm16(resampler === undefined ? samples : resampler.push(samples)),
    end: () => (resampler === undefined ? new Uint8Array(0) : toPcm16(resampler.end())),
  };
}

function createMp3Encoder(sampleRateHz: number): SpeechEncoder {
  const direct = MP3_RATES_HZ.includes(sampleRateHz);
  const outputRateHz = direct ? sampleRateHz : OPENAI_PCM_RATE_HZ;
  const resampler = direct ? undefined : new DeferredResampler(sampleRateHz, outputRateHz);
  const mp3 = createMp3StreamEncoder(outputRateHz);
  return {
    contentType: CONTENT_TYPES.mp3,
    sampleRateHz: outputRateHz,
    push: (samples) => mp3.push(resampler === undefined ? samples : resampler.push(samples)),
    end: () =>
      concatBytes([
        mp3.push(resampler === undefined ? new Float32Array(0) : resampler.end()),
        mp3.end(),
      ]),
  };
}
