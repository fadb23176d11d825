import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createStreamResampler,
  expectedOutputLength,
  resample,
  type StreamResampler,
} from './resampler.js';
import { loadSincKernel } from './sinc-kernel.js';
import {
  assertAudioError,
  estimateFrequencyHz,
  maxAbsDiff,
  peak,
  sine,
} from './testing/signals.js';

const PAIRS: readonly (readonly [number, number])[] = [
  [8000, 16000],
  [11025, 16000],
  [22050, 16000],
  [44100, 16000],
  [48000, 16000],
  [16000, 24000],
  [22050, 24000],
  [16000, 8000],
];

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function runStream(
  stream: StreamResampler,
  input: Float32Array,
  chunkSizes: readonly number[],
): Float32Array {
  const out: Float32Array[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const size = chunkSizes[k % chunkSizes.length]!;
    out.push(stream.push(input.subarray(i, i + size)));
    i += size;
  }
  out.push(stream.flush());
  return concat(out);
}

test('resample gives round(n * out / in) samples at the target rate', async () => {
  for (const [inHz, outHz] of PAIRS) {
    const input = sine(440, inHz, 0.7771);
    const out = await resample({ samples: input, sampleRateHz: inHz }, outHz);
    assert.equal(out.sampleRateHz, outHz);
    assert.equal(
      out.samples.length,
      expectedOutputLength(input.length, inHz, outHz),
      `${inHz} -> ${outHz}`,
    );
  }
});

test('a 1 kHz sine keeps its frequency and level', async () => {
  for (const [inHz, outHz] of PAIRS) {
    const out = await resample({ samples: sine(1000, inHz, 1), sampleRateHz: inHz }, outHz);
    const hz = estimateFrequencyHz(out.samples, outHz);
    assert.ok(Math.abs(hz - 1000) < 2, `${inHz} -> ${outHz}: ${hz} Hz`);
    assert.ok(
      Math.abs(peak(out.samples.subarray(outHz / 10, -outHz / 10)) - 0.5) < 0.01,
      `${inHz} -> ${outHz} level`,
    );
  }
});

test('downsampling removes content above the new Nyquist frequency', async () => {
  const inside = await resample({ samples: sine(6000, 48000, 0.5), sampleRateHz: 48000 }, 16000);
  const outside = await resample({ samples: sine(11000, 48000, 0.5), sampleRateHz: 48000 }, 16000);
  assert.ok(peak(inside.samples.subarray(800, -800)) > 0.45);
  assert.ok(peak(outside.samples.subarray(800, -800)) < 0.01);
});

test('streaming over many small chunks matches the one-shot conversion and its length', async () => {
  const chunkPatterns = [[320], [960], [441, 1, 0, 2000, 17], [4410]];
  for (const [inHz, outHz] of PAIRS) {
    const input = sine(1000, inHz, 1.3);
    const oneShot = (await resample({ samples: input, sampleRateHz: inHz }, outHz)).samples;
    for (const sizes of chunkPatterns) {
      const streamed = runStream(await createStreamResampler(inHz, outHz), input, sizes);
      assert.equal(streamed.length, oneShot.length, `${inHz} -> ${outHz} by ${sizes.join(',')}`);
      assert.ok(maxAbsDiff(streamed, oneShot) < 1e-6, `${inHz} -> ${outHz} by ${sizes.join(',')}`);
    }
  }
});

test('the overlapping blocks reproduce one whole-signal libsamplerate conversion', async () => {
  const kernel = await loadSincKernel();
  for (const [inHz, outHz] of PAIRS) {
    const input = sine(1000, inHz, 0.5);
    for (let i = 0; i < input.length; i++)
      input[i]! += 0.2 * Math.sin(i * 0.37) * Math.cos(i * 0.011);
    const whole = kernel.resampleBlock(input, inHz, outHz).slice();
    const streamed = runStream(await createStreamResampler(inHz, outHz), input, [
      Math.round(inHz / 50),
    ]);
    assert.ok(
      Math.abs(streamed.length - whole.length) <= 1,
      `${inHz} -> ${outHz}: ${streamed.length} vs ${whole.length}`,
    );
    assert.ok(
      maxAbsDiff(streamed, whole) < 1e-6,
      `${inHz} -> ${outHz}: ${maxAbsDiff(streamed, whole)}`,
    );
  }
});

test('matching rates pass audio through untouched', async () => {
  const audio = { samples: sine(1000, 16000, 0.1), sampleRateHz: 16000 };
  assert.equal(await resample(audio, 16000), audio);
  const stream = await createStreamResampler(16000, 16000);
  assert.equal(stream.push(audio.samples), audio.samples);
  assert.equal(stream.flush().length, 0);
});

test('bad rates are INVALID_ARGUMENT and a finished stream refuses more input', async () => {
  await assertAudioError(() => createStreamResampler(0, 16000), 'INVALID_ARGUMENT', /sample_rate/);
  await assertAudioError(
    () => resample({ samples: new Float32Array(1), sampleRateHz: 16000 }, 250_000),
    'INVALID_ARGUMENT',
  );
  const stream = await createStreamResampler(48000, 16000);
  stream.flush();
  assert.throws(() => stream.push(new Float32Array(10)), /after flush/);
  stream.destroy();
  assert.throws(() => stream.flush(), /after destroy/);
});

test('many concurrent streams share one converter and hold only their own few KB', async () => {
  const before = process.memoryUsage().arrayBuffers;
  const streams: StreamResampler[] = [];
  for (let i = 0; i < 300; i++) streams.push(await createStreamResampler(48000, 16000));
  const frame = sine(1000, 48000, 0.02);
  let produced = 0;
  for (const s of streams) produced += s.push(frame).length;
  assert.ok(produced > 0);
  const grownBytes = process.memoryUsage().arrayBuffers - before;
  // One libsamplerate-js instance per stream would hold 26 MB each (7.8 GB here).
  assert.ok(grownBytes < 64 * 1024 * 1024, `arrayBuffers grew by ${grownBytes} bytes`);
  for (const s of streams) s.destroy();
});
