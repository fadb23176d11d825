import assert from 'node:assert/strict';
import { test } from 'node:test';
import alawmulaw from 'alawmulaw';
import { createFrameDecoder } from './frame-decoder.js';
import { decodeRawPcm } from './raw-pcm.js';
import { LIMITS, assertAudioError, concatBytes, int16Bytes } from './testing/signals.js';
import type { RawEncoding } from './types.js';

const f32Bytes = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

test('decodeRawPcm reads each raw encoding', () => {
  const s16 = decodeRawPcm(int16Bytes([-32768, 0, 16384]), 'pcm_s16le', 16000, LIMITS);
  assert.deepEqual(s16.samples, Float32Array.from([-1, 0, 0.5]));
  assert.equal(s16.format, 'raw/pcm_s16le');
  assert.equal(s16.durationS, 3 / 16000);

  const f32 = decodeRawPcm(f32Bytes([0.25, -0.75]), 'pcm_f32le', 48000, LIMITS);
  assert.deepEqual(f32.samples, Float32Array.from([0.25, -0.75]));

  const g711 = new Uint8Array([0x00, 0x7f, 0x80, 0xff, 0x55]);
  for (const [encoding, codec] of [
    ['mulaw', alawmulaw.mulaw],
    ['alaw', alawmulaw.alaw],
  ] as const) {
    const decoded = decodeRawPcm(g711, encoding, 8000, LIMITS);
    assert.deepEqual(
      decoded.samples,
      Float32Array.from(codec.decode(g711), (v) => v / 32768),
    );
  }
});

test('decodeRawPcm refuses bad rates, encodings, empty, misaligned and too long input', async () => {
  const err = await assertAudioError(
    () => decodeRawPcm(int16Bytes([1]), 'pcm_s16le', 1234, LIMITS),
    'INVALID_ARGUMENT',
    /'sample_rate' must be one of 8000, 11025, 16000.*\(got 1234\)/,
  );
  assert.equal(err.details.field, 'sample_rate');
  const enc = await assertAudioError(
    () => decodeRawPcm(int16Bytes([1]), 'opus' as RawEncoding, 16000, LIMITS),
    'AUDIO_UNSUPPORTED_ENCODING',
    /'encoding' must be one of/,
  );
  assert.equal(enc.details.field, 'encoding');
  await assertAudioError(
    () => decodeRawPcm(new Uint8Array(0), 'pcm_s16le', 16000, LIMITS),
    'AUDIO_EMPTY',
  );
  await assertAudioError(
    () => decodeRawPcm(new Uint8Array(7), 'pcm_f32le', 16000, LIMITS),
    'AUDIO_FRAME_MISALIGNED',
    /7 bytes.*4-byte pcm_f32le/,
  );
  await assertAudioError(
    () =>
      decodeRawPcm(new Uint8Array(16000 * 2 * 3), 'pcm_s16le', 16000, {
        maxDurationS: 2,
        maxChannels: 1,
      }),
    'AUDIO_TOO_LONG',
  );
});

test('decodeRawPcm does not alias the upload', () => {
  const bytes = f32Bytes([0.5, 0.25]);
  const decoded = decodeRawPcm(bytes, 'pcm_f32le', 16000, LIMITS);
  bytes.fill(0);
  assert.deepEqual(decoded.samples, Float32Array.from([0.5, 0.25]));
});

test('frame decoder: whole-sample frames decode, misaligned frames name length and width', async () => {
  const decoder = createFrameDecoder('pcm_s16le', 16000);
  assert.deepEqual(decoder.decode(int16Bytes([16384, -16384])), Float32Array.from([0.5, -0.5]));
  assert.deepEqual(decoder.decode(new Uint8Array(0)), new Float32Array(0));
  await assertAudioError(
    () => decoder.decode(new Uint8Array(321)),
    'AUDIO_FRAME_MISALIGNED',
    /321 bytes is not a whole number of 2-byte pcm_s16le samples/,
  );
  const f32 = createFrameDecoder('pcm_f32le', 48000);
  await assertAudioError(
    () => f32.decode(new Uint8Array(6)),
    'AUDIO_FRAME_MISALIGNED',
    /6 bytes.*4-byte/,
  );
  await assertAudioError(
    () => createFrameDecoder('pcm_s16le', 44000),
    'INVALID_ARGUMENT',
    /sample_rate/,
  );
});

test('frame decoder reads frames at odd byte offsets (unaligned views)', () => {
  const backing = concatBytes(new Uint8Array(1), int16Bytes([1000, -2000]), new Uint8Array(3));
  const frame = backing.subarray(1, 5);
  assert.deepEqual(
    createFrameDecoder('pcm_s16le', 16000).decode(frame),
    Float32Array.from([1000 / 32768, -2000 / 32768]),
  );
  const floats = concatBytes(new Uint8Array(1), f32Bytes([0.5, -0.25])).subarray(1);
  assert.deepEqual(
    createFrameDecoder('pcm_f32le', 16000).decode(floats),
    Float32Array.from([0.5, -0.25]),
  );
});

test('pcm_f32le frames: clean aligned frames are not copied; NaN/Inf become 0 and the rest is clamped', () => {
  const decoder = createFrameDecoder('pcm_f32le', 16000);
  const clean = f32Bytes([0.5, -1, 1, 0]);
  const view = decoder.decode(clean);
  assert.equal(view.buffer, clean.buffer);
  assert.deepEqual(view, Float32Array.from([0.5, -1, 1, 0]));

  const dirty = f32Bytes([NaN, Infinity, -Infinity, 3, -1.5, 0.25]);
  const sanitized = decoder.decode(dirty);
  assert.deepEqual(sanitized, Float32Array.from([0, 0, 0, 1, -1, 0.25]));
  assert.notEqual(sanitized.buffer, dirty.buffer);
  assert.ok(Number.isNaN(new Float32Array(dirty.buffer)[0]), 'the frame itself is left untouched');
});
