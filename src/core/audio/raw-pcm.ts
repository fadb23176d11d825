/**
 * Headerless mono audio: REST uploads declared as raw, and the rules WebSocket frames share.
 */
import { VoxfleetError, invalidArgument } from '../errors.js';
import { checkDuration } from './audio-checks.js';
import { SAMPLE_WIDTH_BYTES, decodeSamplesToMono, type SampleFormat } from './pcm-samples.js';
import {
  RAW_ENCODINGS,
  SUPPORTED_INPUT_RATES_HZ,
  type AudioLimits,
  type DecodedAudio,
  type RawEncoding,
} from './types.js';

const RAW_SAMPLE_FORMATS: Readonly<Record<RawEncoding, SampleFormat>> = Object.freeze({
  pcm_s16le: 's16le',
  pcm_f32le: 'f32le',
  mulaw: 'mulaw',
  alaw: 'alaw',
});

/** Bytes per sample of a raw encoding. */
export function rawSampleWidthBytes(encoding: RawEncoding): number {
  return SAMPLE_WIDTH_BYTES[RAW_SAMPLE_FORMATS[encoding]];
}

/** Checks a client-declared encoding and rate; returns the sample layout to read. */
export function checkRawFormat(encoding: string, sampleRateHz: number): SampleFormat {
  if (!SUPPORTED_INPUT_RATES_HZ.includes(sampleRateHz)) {
    throw invalidArgument(
      'sample_rate',
      `must be one of ${SUPPORTED_INPUT_RATES_HZ.join(', ')}`,
      sampleRateHz,
    );
  }
  if (!(RAW_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new VoxfleetError(
      'AUDIO_UNSUPPORTED_ENCODING',
      `'encoding' must be one of ${RAW_ENCODINGS.join(', ')} (got ${JSON.stringify(encoding).slice(0, 40)})`,
      { field: 'encoding' },
    );
  }
  return RAW_SAMPLE_FORMATS[encoding as RawEncoding];
}

/** The error for bytes that do not split into whole samples. */
export function misalignedError(
  what: string,
  byteLength: number,
  encoding: RawEncoding,
): VoxfleetError {
  const width = rawSampleWidthBytes(encoding);
  return new VoxfleetError(
    'AUDIO_FRAME_MISALIGNED',
    `${what} of ${byteLength} bytes is not a whole number of ${width}-byte ${encoding} samples`,
  );
}

/**
 * Decodes a headerless mono upload. Throws INVALID_ARGUMENT (field 'sample_rate'),
 * AUDIO_UNSUPPORTED_ENCODING, AUDIO_EMPTY, AUDIO_FRAME_MISALIGNED or AUDIO_TOO_LONG.
 */
export function decodeRawPcm(
  bytes: Uint8Array,
  encoding: RawEncoding,
  sampleRateHz: number,
  limits: AudioLimits,
): DecodedAudio {
  const format = checkRawFormat(encoding, sampleRateHz);
  if (bytes.length === 0) throw new VoxfleetError('AUDIO_EMPTY', 'the upload has zero bytes');
  const width = SAMPLE_WIDTH_BYTES[format];
  if (bytes.length % width !== 0) throw misalignedError('the upload', bytes.length, encoding);
  checkDuration(bytes.length / width / sampleRateHz, limits, 'the raw audio');
  const view = decodeSamplesToMono(bytes, format, 1);
  // Copy when the decode aliased the upload: the result outlives the request body.
  const samples = view.buffer === bytes.buffer ? view.slice() : view;
  return {
    samples,
    sampleRateHz,
    sourceChannels: 1,
    format: `raw/${encoding}`,
    durationS: samples.length / sampleRateHz,
  };
}
