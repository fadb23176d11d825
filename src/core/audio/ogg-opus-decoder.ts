/**
 * Ogg/Opus → mono float PCM at 48 kHz through `ogg-opus-decoder`. Other Ogg codecs are refused
 * by name. The page walk checks channels and the declared length before decoding, refuses a file
 * that stops mid-page (the decoder would otherwise emit garbage for the partial page), and gives
 * the exact end for trimming.
 */
import { VoxfleetError } from '../errors.js';
import { MonoCollector, checkChannels, checkDuration } from './audio-checks.js';
import { decodeInChunks } from './chunked-decode.js';
import { scanOggPages } from './ogg-pages.js';
import type { AudioLimits, DecodedAudio } from './types.js';

/** Opus always decodes at 48 kHz; granule positions count 48 kHz samples. */
const OPUS_RATE_HZ = 48_000;
const OPUS_HEAD_BYTES = 19;

const OTHER_OGG_CODECS: readonly (readonly [string, string])[] = [
  ['\x01vorbis', 'Ogg/Vorbis'],
  ['Speex   ', 'Ogg/Speex'],
  ['\x7fFLAC', 'Ogg/FLAC'],
  ['\x80theora', 'Ogg/Theora (video)'],
];

export async function decodeOggOpus(bytes: Uint8Array, limits: AudioLimits): Promise<DecodedAudio> {
  const scan = scanOggPages(bytes);
  const head = scan.firstPageBody;
  if (head === undefined) {
    if (scan.cutMidPage)
      throw new VoxfleetError('AUDIO_TRUNCATED', 'the file ends inside its first Ogg page');
    throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the Ogg file holds no complete page');
  }
  if (ascii(head, 0, 8) !== 'OpusHead') {
    const other = OTHER_OGG_CODECS.find(([magic]) => ascii(head, 0, magic.length) === magic);
    throw new VoxfleetError(
      'AUDIO_UNSUPPORTED_ENCODING',
      `${other?.[1] ?? 'an Ogg stream whose codec is not Opus'} is not supported; Ogg files must hold Opus`,
    );
  }
  if (!scan.firstPageIsBos || head.length < OPUS_HEAD_BYTES) {
    throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the Ogg/Opus identification header is malformed');
  }
  if (head[8]! >> 4 !== 0)
    throw new VoxfleetError(
      'AUDIO_UNSUPPORTED_ENCODING',
      `Opus header version ${head[8]} is not supported`,
    );
  const channels = head[9]!;
  const preSkip = head[10]! | (head[11]! << 8);
  if (channels === 0)
    throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the Ogg/Opus header declares 0 channels');
  checkChannels(channels, limits, 'the Ogg/Opus file');
  // Granules of the first stream give its exact length; with chained streams they say too little.
  const declaredSamples =
    scan.lastGranule === undefined || scan.multipleStreams
      ? undefined
      : Math.max(0, scan.lastGranule - preSkip);
  if (declaredSamples !== undefined) {
    checkDuration(
      declaredSamples / OPUS_RATE_HZ,
      limits,
      'the Ogg/Opus file (by its granule positions)',
    );
  }
  if (scan.cutMidPage) {
    throw new VoxfleetError(
      'AUDIO_TRUNCATED',
      `the Ogg/Opus file is cut short inside a page, after ${scan.pages} complete pages`,
    );
  }

  const { OggOpusDecoder } = await import('ogg-opus-decoder');
  const decoder = new OggOpusDecoder({ forceStereo: false });
  const collector = new MonoCollector(limits, 'the Ogg/Opus file');
  const decoderErrors = await decodeInChunks(
    decoder,
    bytes.subarray(0, scan.endOffset),
    collector,
    { codec: 'Ogg/Opus' },
  );

  if (collector.lengthSamples === 0) {
    if (decoderErrors > 0)
      throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the Opus packets could not be decoded');
    throw new VoxfleetError('AUDIO_EMPTY', 'the Ogg/Opus file holds no samples');
  }
  const sampleRateHz = collector.sampleRateHz;
  // The final granule position marks the exact end (RFC 7845 §4.4); the decoder does not always trim.
  const samples = collector.finish(
    scan.sawEos && declaredSamples !== undefined && declaredSamples > 0
      ? declaredSamples
      : Infinity,
  );
  return {
    samples,
    sampleRateHz,
    sourceChannels: channels,
    format: 'ogg/opus',
    durationS: samples.length / sampleRateHz,
  };
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
