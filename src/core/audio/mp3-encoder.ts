/**
 * Streaming mono MP3 through @breezystack/lamejs (a maintained, typed fork of lamejs). Frames come
 * out as soon as lame has enough input for them (1152 samples each at 32-48 kHz, 576 below).
 */
import { Mp3Encoder } from '@breezystack/lamejs';
import { floatToInt16 } from './wav-writer.js';

/** Rates MPEG-1/2/2.5 Layer III can carry; others are resampled by the caller. */
export const MP3_RATES_HZ: readonly number[] = Object.freeze([
  8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000,
]);

/** Input handed to lame per call; it buffers internally, this only bounds each output buffer. */
const ENCODE_CHUNK_SAMPLES = 11_520;

export interface Mp3StreamEncoder {
  push(samples: Float32Array): Uint8Array;
  end(): Uint8Array;
}

/** Mono MP3 at a constant bitrate: 64 kbit/s from 16 kHz up (clear speech), 48 kbit/s below. */
export function createMp3StreamEncoder(sampleRateHz: number): Mp3StreamEncoder {
  if (!MP3_RATES_HZ.includes(sampleRateHz))
    throw new RangeError(`MP3 cannot carry ${sampleRateHz} Hz`);
  const encoder = new Mp3Encoder(1, sampleRateHz, sampleRateHz >= 16_000 ? 64 : 48);
  return {
    push(samples: Float32Array): Uint8Array {
      const pcm = floatToInt16(samples);
      const parts: Uint8Array[] = [];
      for (let i = 0; i < pcm.length; i += ENCODE_CHUNK_SAMPLES) {
        parts.push(asBytes(encoder.encodeBuffer(pcm.subarray(i, i + ENCODE_CHUNK_SAMPLES))));
      }
      return concatBytes(parts);
    },
    end(): Uint8Array {
      return asBytes(encoder.flush());
    },
  };
}

/** lamejs returns Int8Array (typed as Uint8Array): the same bytes, seen unsigned, without a copy. */
function asBytes(data: Uint8Array | Int8Array): Uint8Array {
  return data instanceof Uint8Array
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
