import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import alawmulaw from 'alawmulaw';
import wavefile from 'wavefile';
import { decodeAudioFile } from './decode-audio-file.js';
import {
  LIMITS,
  assertAudioError,
  buildWav,
  chunk,
  concatBytes,
  int16Bytes,
  maxAbsDiff,
  sine,
} from './testing/signals.js';

const RATE_HZ = 8000;

/** A WAV written by wavefile (an independent writer) from integer/float sample values. */
function wavefileBytes(bitDepth: string, values: number[] | number[][], channels = 1): Uint8Array {
  const wav = new wavefile.WaveFile();
  wav.fromScratch(channels, RATE_HZ, bitDepth, values);
  return wav.toBuffer();
}

test('each WAV sample format decodes to the right float values', async () => {
  const cases: {
    bitDepth: string;
    values: number[];
    expected: number[];
    format: string;
    tolerance: number;
  }[] = [
    {
      bitDepth: '8',
      values: [0, 64, 128, 192, 255],
      expected: [-1, -0.5, 0, 0.5, 127 / 128],
      format: 'wav/pcm_u8',
      tolerance: 1e-6,
    },
    {
      bitDepth: '16',
      values: [-32768, -16384, 0, 16384, 32767],
      expected: [-1, -0.5, 0, 0.5, 32767 / 32768],
      format: 'wav/pcm_s16le',
      tolerance: 1e-6,
    },
    {
      bitDepth: '24',
      values: [-8388608, -4194304, 0, 4194304, 8388607],
      expected: [-1, -0.5, 0, 0.5, 8388607 / 8388608],
      format: 'wav/pcm_s24le',
      tolerance: 1e-6,
    },
    {
      bitDepth: '32',
      values: [-2147483648, -1073741824, 0, 1073741824, 2147483647],
      expected: [-1, -0.5, 0, 0.5, 1],
      format: 'wav/pcm_s32le',
      tolerance: 1e-6,
    },
    {
      bitDepth: '32f',
      values: [-1, -0.5, 0, 0.25, 0.75],
      expected: [-1, -0.5, 0, 0.25, 0.75],
      format: 'wav/pcm_f32le',
      tolerance: 0,
    },
    {
      bitDepth: '64',
      values: [-1, -0.5, 0, 0.25, 0.75],
      expected: [-1, -0.5, 0, 0.25, 0.75],
      format: 'wav/pcm_f64le',
      tolerance: 0,
    },
  ];
  for (const c of cases) {
    const decoded = await decodeAudioFile(wavefileBytes(c.bitDepth, c.values), LIMITS);
    assert.equal(decoded.format, c.format);
    assert.equal(decoded.sampleRateHz, RATE_HZ);
    assert.equal(decoded.sourceChannels, 1);
    assert.equal(decoded.samples.length, c.values.length);
    assert.ok(
      maxAbsDiff(decoded.samples, Float32Array.from(c.expected)) <= c.tolerance,
      `${c.bitDepth}: ${decoded.samples.join(',')}`,
    );
  }
});

test('µ-law and A-law WAVs decode like the G.711 reference tables', async () => {
  const pcm = [0, 1000, -1000, 32767, -32768, 123];
  for (const [law, toLaw, codec] of [
    ['mulaw', 'toMuLaw', alawmulaw.mulaw],
    ['alaw', 'toALaw', alawmulaw.alaw],
  ] as const) {
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, RATE_HZ, '16', pcm);
    wav[toLaw]();
    const decoded = await decodeAudioFile(wav.toBuffer(), LIMITS);
    assert.equal(decoded.format, `wav/${law}`);
    const expected = Float32Array.from(
      codec.decode(codec.encode(Int16Array.from(pcm))),
      (v) => v / 32768,
    );
    assert.deepEqual(decoded.samples, expected);
  }
});

test('stereo and multichannel WAVs are mixed down to the channel average', async () => {
  const left = [0, 16384, -16384, 32767];
  const right = [16384, 16384, 16384, -32768];
  const decoded = await decodeAudioFile(wavefileBytes('16', [left, right], 2), LIMITS);
  assert.equal(decoded.sourceChannels, 2);
  const expected = left.map((l, i) => (l + right[i]!) / 2 / 32768);
  assert.ok(maxAbsDiff(decoded.samples, Float32Array.from(expected)) < 1e-6);

  const sixChannels = buildWav({
    channels: 6,
    data: int16Bytes([6, 6, 6, 6, 6, 0, -6, -6, -6, -6, -6, -6].map((v) => v * 1000)),
  });
  const mixed = await decodeAudioFile(sixChannels, LIMITS);
  assert.ok(maxAbsDiff(mixed.samples, Float32Array.from([5000 / 32768, -6000 / 32768])) < 1e-6);
});

test('WAVE_FORMAT_EXTENSIBLE: PCM, 24-bit in 32-bit containers, float, µ-law sub-formats', async () => {
  const pcm16 = await decodeAudioFile(
    buildWav({ extensibleSubformat: 1, data: int16Bytes([16384, -16384]) }),
    LIMITS,
  );
  assert.deepEqual(pcm16.samples, Float32Array.from([0.5, -0.5]));

  // 24 valid bits, left-justified in 4-byte containers.
  const in32 = new Uint8Array(new Int32Array([0x40000000, -0x40000000]).buffer);
  const pcm24 = await decodeAudioFile(
    buildWav({ extensibleSubformat: 1, bitsPerSample: 32, data: in32, blockAlignBytes: 4 }),
    LIMITS,
  );
  assert.deepEqual(pcm24.samples, Float32Array.from([0.5, -0.5]));

  const f32 = await decodeAudioFile(
    buildWav({
      extensibleSubformat: 3,
      bitsPerSample: 32,
      data: new Uint8Array(new Float32Array([0.25, -0.125]).buffer),
    }),
    LIMITS,
  );
  assert.deepEqual(f32.samples, Float32Array.from([0.25, -0.125]));

  const mu = await decodeAudioFile(
    buildWav({ extensibleSubformat: 7, bitsPerSample: 8, data: new Uint8Array([0xff, 0x00]) }),
    LIMITS,
  );
  assert.equal(mu.format, 'wav/mulaw');
  assert.deepEqual(
    mu.samples,
    Float32Array.from(alawmulaw.mulaw.decode(new Uint8Array([0xff, 0x00])), (v) => v / 32768),
  );
});

test('float WAV samples are sanitised: NaN/Inf become 0, the rest is clamped', async () => {
  const data = new Uint8Array(new Float32Array([NaN, Infinity, -Infinity, 1.5, -2, 0.5]).buffer);
  const decoded = await decodeAudioFile(
    buildWav({ formatCode: 3, bitsPerSample: 32, data }),
    LIMITS,
  );
  assert.deepEqual(decoded.samples, Float32Array.from([0, 0, 0, 1, -1, 0.5]));
});

test('other chunks, odd sizes with or without the pad byte, and RF64 are handled', async () => {
  const samples = int16Bytes([100, 200, 300]);
  const expected = Float32Array.from([100, 200, 300], (v) => v / 32768);
  const odd = new Uint8Array(5).fill(0x41);
  for (const chunks of [
    [chunk('LIST', odd)],
    [chunk('junk', odd, false)],
    [chunk('fact', new Uint8Array(4)), chunk('bext', new Uint8Array(602))],
  ]) {
    const decoded = await decodeAudioFile(
      buildWav({ data: samples, chunksBeforeData: chunks }),
      LIMITS,
    );
    assert.deepEqual(decoded.samples, expected);
  }
  const rf64 = await decodeAudioFile(buildWav({ container: 'RF64', data: samples }), LIMITS);
  assert.deepEqual(rf64.samples, expected);
});

test('a streamed WAV (sizes 0xFFFFFFFF or 0) is read to the end, dropping a partial last frame', async () => {
  const data = concatBytes(int16Bytes([1000, 2000, 3000]), new Uint8Array([0x7f]));
  for (const declared of [0xffffffff, 0]) {
    const decoded = await decodeAudioFile(buildWav({ data, declaredDataBytes: declared }), LIMITS);
    assert.deepEqual(
      decoded.samples,
      Float32Array.from([1000, 2000, 3000], (v) => v / 32768),
    );
  }
});

test('a 16 kHz WAV written by wavefile decodes with its duration', async () => {
  const pcm = sine(440, 16000, 1.5);
  const wav = new wavefile.WaveFile();
  wav.fromScratch(
    1,
    16000,
    '16',
    Int16Array.from(pcm, (x) => Math.round(x * 32767)),
  );
  const decoded = await decodeAudioFile(wav.toBuffer(), LIMITS);
  assert.equal(decoded.durationS, 1.5);
  assert.ok(maxAbsDiff(decoded.samples, pcm) < 1 / 16384);
});

const DEV_AUDIO = new URL('../../../../shared/audio/dev/', import.meta.url);

test(
  'recorded speech WAVs from shared/audio/dev decode like wavefile reads them',
  { skip: !existsSync(DEV_AUDIO) },
  async () => {
    const names = readdirSync(DEV_AUDIO)
      .filter((n) => n.endsWith('.wav'))
      .slice(0, 3);
    assert.ok(names.length > 0);
    for (const name of names) {
      const bytes = new Uint8Array(readFileSync(new URL(name, DEV_AUDIO)));
      const decoded = await decodeAudioFile(bytes, LIMITS);
      const reference = new wavefile.WaveFile(bytes);
      assert.equal(decoded.sampleRateHz, 16000);
      const expected = Float32Array.from(
        reference.getSamples(false, Float64Array),
        (v) => v / 32768,
      );
      assert.equal(decoded.samples.length, expected.length);
      assert.equal(maxAbsDiff(decoded.samples, expected), 0);
    }
  },
);

test('WAV data cut mid-sample or well short of its declared size is AUDIO_TRUNCATED', async () => {
  const full = int16Bytes(Array.from({ length: 16000 }, (_, i) => i % 100));
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({ data: full.subarray(0, 10001), declaredDataBytes: full.length }),
        LIMITS,
      ),
    'AUDIO_TRUNCATED',
    /mid-sample/,
  );
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({ data: full.subarray(0, 10000), declaredDataBytes: full.length }),
        LIMITS,
      ),
    'AUDIO_TRUNCATED',
    /10000 of 32000 declared bytes/,
  );
  // A few whole samples missing (under 10 ms) is a miscounting writer, not a cut file.
  const nearly = await decodeAudioFile(
    buildWav({ data: full.subarray(0, full.length - 20), declaredDataBytes: full.length }),
    LIMITS,
  );
  assert.equal(nearly.samples.length, 16000 - 10);
  // Cut inside the header.
  const header = buildWav({ data: full });
  await assertAudioError(() => decodeAudioFile(header.subarray(0, 30), LIMITS), 'AUDIO_TRUNCATED');
});

test('unsupported WAV encodings are AUDIO_UNSUPPORTED_ENCODING and name the format', async () => {
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({
          formatCode: 0x11,
          bitsPerSample: 4,
          blockAlignBytes: 256,
          data: new Uint8Array(256),
        }),
        LIMITS,
      ),
    'AUDIO_UNSUPPORTED_ENCODING',
    /IMA ADPCM/,
  );
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({
          formatCode: 0x02,
          bitsPerSample: 4,
          blockAlignBytes: 256,
          data: new Uint8Array(256),
        }),
        LIMITS,
      ),
    'AUDIO_UNSUPPORTED_ENCODING',
    /0x0002/,
  );
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({ formatCode: 3, bitsPerSample: 16, data: new Uint8Array(4) }),
        LIMITS,
      ),
    'AUDIO_UNSUPPORTED_ENCODING',
    /16 bits per sample/,
  );
});

test('too many channels, too long (also by a hostile header), empty data', async () => {
  await assertAudioError(
    () =>
      decodeAudioFile(buildWav({ channels: 3, data: new Uint8Array(60) }), {
        maxDurationS: 60,
        maxChannels: 2,
      }),
    'AUDIO_TOO_MANY_CHANNELS',
    /3 channels; at most 2/,
  );
  await assertAudioError(
    () =>
      decodeAudioFile(buildWav({ data: new Uint8Array(16000 * 2 * 3) }), {
        maxDurationS: 2,
        maxChannels: 2,
      }),
    'AUDIO_TOO_LONG',
    /lasts 3\.00 s; at most 2 s/,
  );
  // The header claims ten hours at 16 kHz; the file holds 100 bytes: cut short, found from the
  // header before any sample is read.
  const tenHoursBytes = 10 * 3600 * 16000 * 2;
  await assertAudioError(
    () =>
      decodeAudioFile(
        buildWav({ data: new Uint8Array(100), declaredDataBytes: tenHoursBytes }),
        LIMITS,
      ),
    'AUDIO_TRUNCATED',
    /cut short/,
  );
  await assertAudioError(
    () => decodeAudioFile(buildWav({ data: new Uint8Array(0) }), LIMITS),
    'AUDIO_EMPTY',
  );
  await assertAudioError(
    () => decodeAudioFile(buildWav({ channels: 0, data: new Uint8Array(4) }), LIMITS),
    'AUDIO_NOT_AUDIO',
  );
});

test('hostile chunk lists end quickly with an error, never a crash or a hang', async () => {
  // 200k nested LIST chunks (a recursive parser overflows its stack here).
  const nested = new Uint8Array(12 * 200_000);
  for (let i = 0; i < 200_000; i++) {
    nested.set([0x4c, 0x49, 0x53, 0x54, 4, 0, 0, 0, 0x49, 0x4e, 0x46, 0x4f], i * 12);
  }
  const riff = (body: Uint8Array, riffSize = body.length + 4): Uint8Array => {
    const head = new Uint8Array(12);
    head.set([0x52, 0x49, 0x46, 0x46], 0);
    new DataView(head.buffer).setUint32(4, riffSize, true);
    head.set([0x57, 0x41, 0x56, 0x45], 8);
    return concatBytes(head, body);
  };
  await assertAudioError(
    () => decodeAudioFile(riff(nested), LIMITS),
    'AUDIO_NOT_AUDIO',
    /more than 4096 chunks/,
  );
  // A chunk that claims 4 GB before any 'fmt '.
  const huge = new Uint8Array(16);
  huge.set([0x4a, 0x55, 0x4e, 0x4b, 0xf0, 0xff, 0xff, 0xff]);
  await assertAudioError(() => decodeAudioFile(riff(huge), LIMITS), 'AUDIO_TRUNCATED');
  // Garbage chunk ids, and a RIFF/WAVE header with nothing after it.
  await assertAudioError(
    () => decodeAudioFile(riff(new Uint8Array(64).fill(0x01)), LIMITS),
    'AUDIO_NOT_AUDIO',
    /corrupt/,
  );
  await assertAudioError(
    () => decodeAudioFile(riff(new Uint8Array(0)), LIMITS),
    'AUDIO_NOT_AUDIO',
    /no 'fmt ' chunk/,
  );
  await assertAudioError(
    () => decodeAudioFile(riff(new Uint8Array(0), 1000), LIMITS),
    'AUDIO_TRUNCATED',
  );
});
