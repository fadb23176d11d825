/**
 * FLAC → mono float PCM through @wasm-audio-decoders/flac. The metadata blocks are read here
 * (bounded walk) so that channel count and duration are checked before decoding, and so that a
 * cut file is recognised: the decoder itself silently drops an incomplete last frame.
 */
import { VoxfleetError } from '../errors.js';
import { MonoCollector, checkChannels, checkDuration, checkSourceRate } from './audio-checks.js';
import { decodeInChunks } from './chunked-decode.js';
import type { AudioLimits, DecodedAudio } from './types.js';

interface StreamInfo {
  readonly sampleRateHz: number;
  readonly channels: number;
  /** 0 when the encoder did not know (streamed FLAC). */
  readonly totalSamples: number;
  /** Where the first audio frame starts. */
  readonly audioOffset: number;
}

/** Bytes handed to the decoder per call, so output grows in steps the collector can refuse. */
const MAX_METADATA_BLOCKS = 1024;
const STREAMINFO_BYTES = 34;

export async function decodeFlac(
  bytes: Uint8Array,
  offset: number,
  limits: AudioLimits,
): Promise<DecodedAudio> {
  const info = readStreamInfo(bytes, offset);
  checkSourceRate(info.sampleRateHz, 'the FLAC file');
  checkChannels(info.channels, limits, 'the FLAC file');
  if (info.totalSamples > 0)
    checkDuration(info.totalSamples / info.sampleRateHz, limits, 'the FLAC file (by its header)');
  if (info.audioOffset >= bytes.length) {
    if (info.totalSamples > 0)
      throw new VoxfleetError('AUDIO_TRUNCATED', 'the FLAC file ends before its first audio frame');
    throw new VoxfleetError('AUDIO_EMPTY', 'the FLAC file holds no audio frames');
  }
  if (!isFrameSync(bytes, info.audioOffset)) {
    throw new VoxfleetError(
      'AUDIO_NOT_AUDIO',
      'the FLAC metadata is not followed by an audio frame',
    );
  }

  const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
  const decoder = new FLACDecoder();
  const collector = new MonoCollector(limits, 'the FLAC file');
  const decoderErrors = await decodeInChunks(decoder, bytes.subarray(offset), collector, {
    codec: 'FLAC',
  });

  const decoded = collector.lengthSamples;
  if (info.totalSamples > 0 && decoded < info.totalSamples) {
    throw new VoxfleetError(
      'AUDIO_TRUNCATED',
      `the FLAC file is cut short or damaged: it holds ${decoded} of ${info.totalSamples} declared samples`,
    );
  }
  if (decoded === 0) {
    if (decoderErrors > 0)
      throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the FLAC frames could not be decoded');
    throw new VoxfleetError('AUDIO_EMPTY', 'the FLAC file holds no samples');
  }
  const sampleRateHz = collector.sampleRateHz;
  const samples = collector.finish(info.totalSamples > 0 ? info.totalSamples : Infinity);
  return {
    samples,
    sampleRateHz,
    sourceChannels: info.channels,
    format: 'flac',
    durationS: samples.length / sampleRateHz,
  };
}

/** Reads STREAMINFO and walks the metadata blocks to the first frame. */
function readStreamInfo(bytes: Uint8Array, offset: number): StreamInfo {
  let pos = offset + 4; // after "fLaC"
  let streamInfo: Omit<StreamInfo, 'audioOffset'> | undefined;
  for (let count = 0; ; count++) {
    if (count >= MAX_METADATA_BLOCKS)
      throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the FLAC file has too many metadata blocks');
    if (pos + 4 > bytes.length)
      throw new VoxfleetError('AUDIO_TRUNCATED', 'the file ends inside the FLAC metadata');
    const isLast = (bytes[pos]! & 0x80) !== 0;
    const type = bytes[pos]! & 0x7f;
    const length = (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    const body = pos + 4;
    if (count === 0) {
      if (type !== 0 || length < STREAMINFO_BYTES) {
        throw new VoxfleetError(
          'AUDIO_NOT_AUDIO',
          'the FLAC file does not start with a STREAMINFO block',
        );
      }
      if (body + STREAMINFO_BYTES > bytes.length)
        throw new VoxfleetError(
          'AUDIO_TRUNCATED',
          'the file ends inside the FLAC STREAMINFO block',
        );
      streamInfo = parseStreamInfo(bytes, body);
    } else if (type === 127) {
      throw new VoxfleetError('AUDIO_NOT_AUDIO', 'the FLAC metadata holds an invalid block type');
    }
    pos = body + length;
    if (pos > bytes.length)
      throw new VoxfleetError('AUDIO_TRUNCATED', 'the file ends inside the FLAC metadata');
    if (isLast) break;
  }
  return { ...streamInfo!, audioOffset: pos };
}

function parseStreamInfo(bytes: Uint8Array, body: number): Omit<StreamInfo, 'audioOffset'> {
  const b = (i: number): number => bytes[body + i]!;
  const sampleRateHz = (b(10) << 12) | (b(11) << 4) | (b(12) >> 4);
  const channels = ((b(12) >> 1) & 0x07) + 1;
  // 36-bit count: 4 bits in byte 13, then 32 bits (>>> 0 keeps the top bit unsigned).
  const low32 = ((b(14) << 24) | (b(15) << 16) | (b(16) << 8) | b(17)) >>> 0;
  const totalSamples = (b(13) & 0x0f) * 0x1_0000_0000 + low32;
  return { sampleRateHz, channels, totalSamples };
}

/** FLAC frame header sync: 0b11111111_1111100x. */
function isFrameSync(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === 0xff && ((bytes[offset + 1] ?? 0) & 0xfe) === 0xf8;
}
