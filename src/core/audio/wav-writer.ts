/**
 * Float PCM → 16-bit little-endian bytes, and WAV headers around them (container glue).
 */
import type { PcmAudio } from './types.js';

/** Size fields of a WAV written before its length is known (what OpenAI's streamed WAV uses). */
export const WAV_UNKNOWN_SIZE = 0xffffffff;
const WAV_HEADER_BYTES = 44;
/** The largest data chunk a RIFF size field can describe. */
const MAX_WAV_DATA_BYTES = 0xffffffff - 36;

/**
 * Float → 16-bit integer: clamped to [-1, 1], scaled by 32767, rounded; NaN → 0. The symmetric
 * scale never overflows and round-trips with a /32768 reader to within 1 LSB.
 */
export function floatToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(clampFinite(samples[i]!) * 32767);
  return out;
}

/** Float samples → s16le bytes (see floatToInt16 for the scaling). */
export function toPcm16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++)
    dv.setInt16(i * 2, Math.round(clampFinite(samples[i]!) * 32767), true);
  return out;
}

function clampFinite(x: number): number {
  return x > 1 ? 1 : x < -1 ? -1 : x === x ? x : 0; // x !== x only for NaN
}

/**
 * A 44-byte PCM WAV header for mono or multi-channel 16-bit audio. With `dataBytes` undefined
 * the RIFF and data sizes are 0xFFFFFFFF: the stream's length is not known when the first bytes
 * leave; readers that take an oversize data chunk as "read to the end" (ours, ffmpeg) cope.
 */
export function writeWavHeader(
  sampleRateHz: number,
  channels: number,
  dataBytes: number | undefined,
): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const dv = new DataView(header.buffer);
  const blockAlign = channels * 2;
  writeAscii(header, 0, 'RIFF');
  dv.setUint32(4, dataBytes === undefined ? WAV_UNKNOWN_SIZE : 36 + dataBytes, true);
  writeAscii(header, 8, 'WAVE');
  writeAscii(header, 12, 'fmt ');
  dv.setUint32(16, 16, true);
  dv.setUint16(20, 1, true); // PCM
  dv.setUint16(22, channels, true);
  dv.setUint32(24, sampleRateHz, true);
  dv.setUint32(28, sampleRateHz * blockAlign, true);
  dv.setUint16(32, blockAlign, true);
  dv.setUint16(34, 16, true);
  writeAscii(header, 36, 'data');
  dv.setUint32(40, dataBytes === undefined ? WAV_UNKNOWN_SIZE : dataBytes, true);
  return header;
}

/** A complete mono 16-bit WAV file with exact sizes (for the CLI and tests). */
export function encodeWav(audio: PcmAudio): Uint8Array {
  const data = toPcm16(audio.samples);
  if (data.length > MAX_WAV_DATA_BYTES)
    throw new RangeError(`${data.length} bytes of audio do not fit in a WAV file`);
  const out = new Uint8Array(WAV_HEADER_BYTES + data.length);
  out.set(writeWavHeader(audio.sampleRateHz, 1, data.length), 0);
  out.set(data, WAV_HEADER_BYTES);
  return out;
}

function writeAscii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}
