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
 * - flac: mono 16-bit FLAC from libFLAC (libflacjs), at the model's rate (any rate a streamable
 *   FLAC frame can carry; others, not seen in practice, are resampled to 48 kHz). Streamed, so its
 *   STREAMINFO says "length and MD5 unknown"; see flac-encoder.ts.
 * - opus: refused with UNSUPPORTED_RESPONSE_FORMAT.
 */
import { VoxfleetError, invalidArgument } from '../errors.js';
import { DeferredResampler } from './deferred-resampler.js';
import { createFlacStreamEncoder, isFlacRate } from './flac-encoder.js';
import { MP3_RATES_HZ, createMp3StreamEncoder, concatBytes } from './mp3-encoder.js';
import type { SpeechFormat } from './types.js';
import { toPcm16, writeWavHeader } from './wav-writer.js';

export interface SpeechEncoder {
  readonly contentType: string;
  /** Rate of the encoded audio: the model's rate unless the format cannot carry it (pcm: 24 kHz). */
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
  'flac',
]);

/** The rate OpenAI's `pcm` format is defined at. */
export const OPENAI_PCM_RATE_HZ = 24_000;
/** Where FLAC output goes when a streamable FLAC frame cannot carry the model's rate. */
const FLAC_FALLBACK_RATE_HZ = 48_000;

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
    case 'flac': {
      const outputRateHz = isFlacRate(sampleRateHz) ? sampleRateHz : FLAC_FALLBACK_RATE_HZ;
      return encodeAtRate(
        CONTENT_TYPES.flac,
        sampleRateHz,
        outputRateHz,
        createFlacStreamEncoder(outputRateHz),
      );
    }
    default: {
      const outputRateHz = MP3_RATES_HZ.includes(sampleRateHz) ? sampleRateHz : OPENAI_PCM_RATE_HZ;
      return encodeAtRate(
        CONTENT_TYPES.mp3,
        sampleRateHz,
        outputRateHz,
        createMp3StreamEncoder(outputRateHz),
      );
    }
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

/** A codec's stream encoder fed at `outputRateHz`, resampling from `inputRateHz` when they differ. */
function encodeAtRate(
  contentType: string,
  inputRateHz: number,
  outputRateHz: number,
  codec: Pick<SpeechEncoder, 'push' | 'end'>,
): SpeechEncoder {
  const resampler =
    inputRateHz === outputRateHz ? undefined : new DeferredResampler(inputRateHz, outputRateHz);
  return {
    contentType,
    sampleRateHz: outputRateHz,
    push: (samples) => codec.push(resampler === undefined ? samples : resampler.push(samples)),
    end: () =>
      resampler === undefined
        ? codec.end()
        : concatBytes([codec.push(resampler.end()), codec.end()]),
  };
}
