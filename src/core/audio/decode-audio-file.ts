/**
 * Uploaded audio files → mono float PCM at the source rate. The container is recognised by its
 * magic bytes, never by a file name or a client's content type. Resampling is separate
 * (resampler.ts). Codec libraries are imported on first use, so importing core stays cheap.
 */
import { VoxfleetError } from '../errors.js';
import { decodeFlac } from './flac-decoder.js';
import { decodeMpeg } from './mp3-decoder.js';
import { decodeOggOpus } from './ogg-opus-decoder.js';
import { sniffContainer } from './sniff.js';
import type { AudioLimits, DecodedAudio } from './types.js';
import { decodeWav } from './wav-decoder.js';

/** The containers decodeAudioFile reads, for messages and docs. */
export const SUPPORTED_AUDIO_CONTAINERS: readonly string[] = Object.freeze([
  'WAV',
  'FLAC',
  'Ogg/Opus',
  'MP3',
]);

/**
 * Decodes a WAV, FLAC, Ogg/Opus or MP3 file. Throws VoxfleetError: AUDIO_EMPTY, AUDIO_NOT_AUDIO,
 * AUDIO_TRUNCATED, AUDIO_UNSUPPORTED_ENCODING, AUDIO_TOO_MANY_CHANNELS or AUDIO_TOO_LONG.
 */
export async function decodeAudioFile(
  bytes: Uint8Array,
  limits: AudioLimits,
): Promise<DecodedAudio> {
  if (bytes.length === 0) throw new VoxfleetError('AUDIO_EMPTY', 'the upload has zero bytes');
  const sniffed = sniffContainer(bytes);
  switch (sniffed.kind) {
    case 'wav':
      return decodeWav(bytes, limits);
    case 'flac':
      return decodeFlac(bytes, sniffed.offset, limits);
    case 'ogg':
      return decodeOggOpus(bytes, limits);
    case 'mpeg':
      return decodeMpeg(bytes, sniffed.offset, sniffed.id3, limits);
    case 'unsupported':
      throw new VoxfleetError(
        'AUDIO_UNSUPPORTED_ENCODING',
        `${sniffed.name} is not supported; send ${SUPPORTED_AUDIO_CONTAINERS.join(', ')}, or raw PCM with an 'encoding'`,
      );
    case 'unknown':
      throw new VoxfleetError(
        'AUDIO_NOT_AUDIO',
        `the upload is ${sniffed.hint ?? 'not a recognised audio format'}; supported: ${SUPPORTED_AUDIO_CONTAINERS.join(', ')}`,
      );
  }
}
