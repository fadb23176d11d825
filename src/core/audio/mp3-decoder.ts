/**
 * MPEG audio (MP3, and MP1/MP2) → mono float PCM through `mpg123-decoder`. The frame walk in
 * mpeg-frames.ts runs first: it proves the bytes are MPEG audio (two frames in a row, or an ID3
 * tag), gives channels and length before decoding, and spots a cut last frame, which mpg123
 * would drop without a word. mpg123 always returns two channels; the source's own channel mode
 * decides whether they are averaged.
 */
import { VoxfleetError } from '../errors.js';
import { MonoCollector, checkChannels, checkDuration } from './audio-checks.js';
import { decodeInChunks } from './chunked-decode.js';
import { scanMpegFrames } from './mpeg-frames.js';
import type { AudioLimits, DecodedAudio } from './types.js';

/** A Xing/VBRI frame count this far above the frames present means the file was cut. */
const MISSING_FRAMES_TOLERANCE = 2;

export async function decodeMpeg(
  bytes: Uint8Array,
  offset: number,
  hasId3: boolean,
  limits: AudioLimits,
): Promise<DecodedAudio> {
  const scan = scanMpegFrames(bytes, offset, hasId3);
  if (scan === undefined) {
    if (hasId3 && offset >= bytes.length)
      throw new VoxfleetError('AUDIO_TRUNCATED', 'the file ends inside its ID3 tag');
    throw new VoxfleetError(
      'AUDIO_NOT_AUDIO',
      hasId3
        ? 'the file has an ID3 tag but no MPEG audio frames'
        : 'the bytes are not a recognised audio format',
    );
  }
  const { first } = scan;
  const what = first.layer === 3 ? 'the MP3 file' : `the MPEG layer ${first.layer} file`;
  checkChannels(first.channels, limits, what);
  checkDuration(scan.samples / first.sampleRateHz, limits, `${what} (by its frame headers)`);
  if (scan.frames === 0)
    throw new VoxfleetError('AUDIO_TRUNCATED', `${what} ends inside its first frame`);
  if (scan.cutMidFrame) {
    throw new VoxfleetError(
      'AUDIO_TRUNCATED',
      `${what} is cut short inside a frame, after ${scan.frames} complete frames`,
    );
  }
  if (
    scan.declaredFrames !== undefined &&
    scan.declaredFrames - (scan.frames - 1) > MISSING_FRAMES_TOLERANCE
  ) {
    throw new VoxfleetError(
      'AUDIO_TRUNCATED',
      `${what} is cut short: its header declares ${scan.declaredFrames} frames, ${scan.frames - 1} are present`,
    );
  }

  const { MPEGDecoder } = await import('mpg123-decoder');
  const decoder = new MPEGDecoder();
  const collector = new MonoCollector(limits, what);
  await decodeInChunks(decoder, bytes.subarray(scan.firstOffset, scan.endOffset), collector, {
    codec: 'MPEG audio',
    firstChannelOnly: first.channels === 1,
  });
  if (collector.lengthSamples === 0)
    throw new VoxfleetError('AUDIO_NOT_AUDIO', `${what} decodes to no samples`);
  const sampleRateHz = collector.sampleRateHz;
  const samples = collector.finish();
  return {
    samples,
    sampleRateHz,
    sourceChannels: first.channels,
    format: first.layer === 3 ? 'mp3' : `mp${first.layer}`,
    durationS: samples.length / sampleRateHz,
  };
}
