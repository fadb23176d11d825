/**
 * WAV → mono float PCM. Linear PCM (8/16/24/32-bit), IEEE float (32/64-bit), A-law and µ-law,
 * plain or WAVE_FORMAT_EXTENSIBLE, RIFF or RF64. Every limit is checked from the header before
 * any sample is read, and the output is sized from the bytes actually present, never from a
 * declared size, so a hostile header cannot make us allocate more than the upload itself.
 *
 * Streamed WAVs (ours, OpenAI's, ffmpeg to a pipe) declare a data size of 0xFFFFFFFF or 0: those
 * are read to the end of the file, dropping a trailing partial frame.
 */
import { VoxfleetError } from '../errors.js';
import { checkChannels, checkDuration, checkSourceRate, formatSeconds } from './audio-checks.js';
import {
  SAMPLE_FORMAT_NAMES,
  SAMPLE_WIDTH_BYTES,
  decodeSamplesToMono,
  type SampleFormat,
} from './pcm-samples.js';
import type { AudioLimits, DecodedAudio } from './types.js';
import { WAVE_FORMAT, parseWavHeader, type WavHeader } from './wav-header.js';

/** A declared-but-missing tail shorter than this is tolerated (writers that miscount a few bytes). */
export const WAV_SHORTFALL_TOLERANCE_S = 0.01;

const KNOWN_FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0040: 'G.721 ADPCM',
  0x0050: 'MPEG',
  0x0055: 'MPEG Layer III',
  0x0161: 'Windows Media Audio',
  0x1610: 'AAC',
  0xf1ac: 'FLAC',
};

export function decodeWav(bytes: Uint8Array, limits: AudioLimits): DecodedAudio {
  const header = parseWavHeader(bytes);
  const format = sampleFormatOf(header);
  const { channels, sampleRateHz } = header;
  if (channels === 0) throw new VoxfleetError('AUDIO_NOT_AUDIO', 'WAV header declares 0 channels');
  checkSourceRate(sampleRateHz, 'the WAV file');
  checkChannels(channels, limits, 'the WAV file');
  const frameBytes = SAMPLE_WIDTH_BYTES[format] * channels;

  const declared = header.declaredDataBytes;
  let usableBytes = header.availableDataBytes;
  if (declared !== undefined) {
    if (header.availableDataBytes < declared) {
      const missingS = (declared - header.availableDataBytes) / frameBytes / sampleRateHz;
      if (header.availableDataBytes % frameBytes !== 0) {
        throw new VoxfleetError(
          'AUDIO_TRUNCATED',
          `the WAV data ends mid-sample: ${header.availableDataBytes} of ${declared} declared bytes, frames are ${frameBytes} bytes`,
        );
      }
      if (missingS > WAV_SHORTFALL_TOLERANCE_S) {
        throw new VoxfleetError(
          'AUDIO_TRUNCATED',
          `the WAV data is cut short: ${header.availableDataBytes} of ${declared} declared bytes (${formatSeconds(missingS)} s missing)`,
        );
      }
    }
    // Checked after truncation: a 64-byte file whose header claims 4 GB is cut short, not long.
    // Either way no sample is read yet, and output is sized by the bytes present.
    checkDuration(declared / frameBytes / sampleRateHz, limits, 'the WAV file (by its header)');
  }
  usableBytes -= usableBytes % frameBytes;
  const frames = usableBytes / frameBytes;
  if (frames === 0) throw new VoxfleetError('AUDIO_EMPTY', 'the WAV file holds no samples');
  checkDuration(frames / sampleRateHz, limits, 'the WAV file');

  const data = bytes.subarray(header.dataOffset, header.dataOffset + usableBytes);
  const samples = decodeSamplesToMono(data, format, channels);
  return {
    samples,
    sampleRateHz,
    sourceChannels: channels,
    format: `wav/${SAMPLE_FORMAT_NAMES[format]}`,
    durationS: samples.length / sampleRateHz,
  };
}

/** Maps the header's format code and sample container to a layout we read, or refuses it. */
function sampleFormatOf(header: WavHeader): SampleFormat {
  const { formatCode, bitsPerSample, channels } = header;
  const container = containerBytes(header);
  switch (formatCode) {
    case WAVE_FORMAT.PCM:
      if (bitsPerSample >= 1 && bitsPerSample <= 8 && container === 1) return 'u8';
      if (bitsPerSample <= 16 && container === 2) return 's16le';
      if (bitsPerSample <= 24 && container === 3) return 's24le';
      // Samples are left-justified in their container, so 20/24-bit in 4 bytes read as 32-bit.
      if (bitsPerSample <= 32 && container === 4) return 's32le';
      break;
    case WAVE_FORMAT.IEEE_FLOAT:
      if (bitsPerSample === 32 && container === 4) return 'f32le';
      if (bitsPerSample === 64 && container === 8) return 'f64le';
      break;
    case WAVE_FORMAT.ALAW:
      if (container === 1) return 'alaw';
      break;
    case WAVE_FORMAT.MULAW:
      if (container === 1) return 'mulaw';
      break;
    default: {
      const name = formatCode < 0 ? 'a non-standard sub-format GUID' : formatName(formatCode);
      throw new VoxfleetError(
        'AUDIO_UNSUPPORTED_ENCODING',
        `WAV encoding ${name} is not supported; supported: PCM 8/16/24/32-bit, IEEE float 32/64-bit, A-law, µ-law`,
      );
    }
  }
  throw new VoxfleetError(
    'AUDIO_UNSUPPORTED_ENCODING',
    `WAV ${formatName(formatCode)} with ${bitsPerSample} bits per sample in ${container}-byte containers ` +
      `(${channels} channels, block ${header.blockAlignBytes} bytes) is not supported`,
  );
}

/** Bytes per sample container: from the block alignment when it is consistent, else from the bits. */
function containerBytes(header: WavHeader): number {
  const { blockAlignBytes, channels, bitsPerSample } = header;
  if (channels > 0 && blockAlignBytes > 0 && blockAlignBytes % channels === 0) {
    const fromBlock = blockAlignBytes / channels;
    if (fromBlock * 8 >= bitsPerSample) return fromBlock;
  }
  return Math.ceil(bitsPerSample / 8);
}

function formatName(code: number): string {
  const hex = `0x${code.toString(16).padStart(4, '0')}`;
  const known = KNOWN_FORMAT_NAMES[code];
  if (code === WAVE_FORMAT.PCM) return 'PCM';
  if (code === WAVE_FORMAT.IEEE_FLOAT) return 'IEEE float';
  if (code === WAVE_FORMAT.ALAW) return 'A-law';
  if (code === WAVE_FORMAT.MULAW) return 'µ-law';
  return known === undefined ? `format ${hex}` : `format ${hex} (${known})`;
}
