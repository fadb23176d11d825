/**
 * Interleaved sample bytes → mono float PCM. Shared by the WAV decoder, headerless uploads and
 * WebSocket frames. Linear PCM is read through typed-array views (zero-copy when the bytes are
 * aligned on a little-endian host); G.711 goes through `alawmulaw`.
 */
import alawmulaw from 'alawmulaw';

/** Sample layouts we read: little-endian integers, IEEE floats, and G.711 (8-bit companded). */
export type SampleFormat =
  'u8' | 's16le' | 's24le' | 's32le' | 'f32le' | 'f64le' | 'mulaw' | 'alaw';

/** Bytes per sample (per channel) of each layout. */
export const SAMPLE_WIDTH_BYTES: Readonly<Record<SampleFormat, number>> = Object.freeze({
  u8: 1,
  s16le: 2,
  s24le: 3,
  s32le: 4,
  f32le: 4,
  f64le: 8,
  mulaw: 1,
  alaw: 1,
});

/** Names used in `DecodedAudio.format` ('wav/pcm_s16le', 'raw/mulaw', ...). */
export const SAMPLE_FORMAT_NAMES: Readonly<Record<SampleFormat, string>> = Object.freeze({
  u8: 'pcm_u8',
  s16le: 'pcm_s16le',
  s24le: 'pcm_s24le',
  s32le: 'pcm_s32le',
  f32le: 'pcm_f32le',
  f64le: 'pcm_f64le',
  mulaw: 'mulaw',
  alaw: 'alaw',
});

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Makes a float sample safe for the models: NaN and ±Infinity become 0 and the rest is clamped to
 * [-1, 1]. Float input comes straight from clients; one NaN would turn every feature frame it
 * touches (FFT, log-mel, normalisation) into NaN, and with a dynamic batcher that can spoil other
 * sessions' rows too. Clamping matches what any integer conversion of the same audio would do.
 */
export function sanitizeSample(x: number): number {
  if (!(x - x === 0)) return 0; // NaN or ±Infinity
  return x > 1 ? 1 : x < -1 ? -1 : x;
}

/** True when every value is finite and within [-1, 1], i.e. `sanitizeSample` would change nothing. */
export function isCleanFloatPcm(samples: Float32Array): boolean {
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    if (!(x >= -1 && x <= 1)) return false; // also false for NaN
  }
  return true;
}

/**
 * Decodes whole frames of interleaved samples and averages the channels into mono float PCM.
 * Trailing bytes that do not fill a whole frame are ignored; callers reject misaligned input first.
 * For mono `f32le` input that is aligned and already clean the result may be a view over `bytes`.
 */
export function decodeSamplesToMono(
  bytes: Uint8Array,
  format: SampleFormat,
  channels: number,
): Float32Array {
  const width = SAMPLE_WIDTH_BYTES[format];
  const frames = Math.floor(bytes.length / (width * channels));
  const count = frames * channels;
  switch (format) {
    case 'u8':
      return mixToMono(bytes.subarray(0, count), channels, 1 / 128, -128);
    case 's16le':
      return mixToMono(viewInt16(bytes, count), channels, 1 / 32768, 0);
    case 's24le':
      return mixToMono(readInt24(bytes, count), channels, 1 / 8388608, 0);
    case 's32le':
      return mixToMono(viewInt32(bytes, count), channels, 1 / 2147483648, 0);
    case 'f32le': {
      const view = viewFloat32(bytes, count);
      if (channels === 1 && isCleanFloatPcm(view)) return view;
      return sanitizeAll(mixToMono(view, channels, 1, 0));
    }
    case 'f64le':
      return sanitizeAll(mixToMono(viewFloat64(bytes, count), channels, 1, 0));
    case 'mulaw':
      return mixToMono(alawmulaw.mulaw.decode(bytes.subarray(0, count)), channels, 1 / 32768, 0);
    case 'alaw':
      return mixToMono(alawmulaw.alaw.decode(bytes.subarray(0, count)), channels, 1 / 32768, 0);
  }
}

/** Averages the channels of interleaved `src` into mono: out = mean((src + bias) * scale). */
function mixToMono(
  src: ArrayLike<number>,
  channels: number,
  scale: number,
  bias: number,
): Float32Array {
  const frames = Math.floor(src.length / channels);
  const out = new Float32Array(frames);
  if (channels === 1) {
    for (let i = 0; i < frames; i++) out[i] = (src[i]! + bias) * scale;
    return out;
  }
  const k = scale / channels;
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, i++) sum += src[i]! + bias;
    out[f] = sum * k;
  }
  return out;
}

/** Averages planar channels (as decoders return them) into mono. */
export function mixPlanarToMono(
  channelData: readonly Float32Array[],
  length: number,
): Float32Array {
  const first = channelData[0];
  if (first === undefined || length === 0) return new Float32Array(0);
  if (channelData.length === 1) return first.length === length ? first : first.slice(0, length);
  const out = new Float32Array(length);
  for (const channel of channelData) {
    const n = Math.min(length, channel.length);
    for (let i = 0; i < n; i++) out[i]! += channel[i]!;
  }
  const k = 1 / channelData.length;
  for (let i = 0; i < length; i++) out[i]! *= k;
  return out;
}

function sanitizeAll(samples: Float32Array): Float32Array {
  for (let i = 0; i < samples.length; i++) samples[i] = sanitizeSample(samples[i]!);
  return samples;
}

// Views avoid a copy when the bytes sit on an aligned offset of a little-endian host; otherwise
// the values are read through a DataView into a fresh array.

function viewInt16(bytes: Uint8Array, count: number): Int16Array {
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 2 === 0)
    return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const dv = dataView(bytes);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getInt16(i * 2, true);
  return out;
}

function viewInt32(bytes: Uint8Array, count: number): Int32Array {
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0)
    return new Int32Array(bytes.buffer, bytes.byteOffset, count);
  const dv = dataView(bytes);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getInt32(i * 4, true);
  return out;
}

function viewFloat32(bytes: Uint8Array, count: number): Float32Array {
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const dv = dataView(bytes);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

function viewFloat64(bytes: Uint8Array, count: number): Float64Array {
  if (HOST_IS_LITTLE_ENDIAN && bytes.byteOffset % 8 === 0)
    return new Float64Array(bytes.buffer, bytes.byteOffset, count);
  const dv = dataView(bytes);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat64(i * 8, true);
  return out;
}

function readInt24(bytes: Uint8Array, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0, j = 0; i < count; i++, j += 3) {
    out[i] = ((bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16)) << 8) >> 8;
  }
  return out;
}

function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
