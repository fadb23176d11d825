import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MPEGDecoder } from 'mpg123-decoder';
import wavefile from 'wavefile';
import { decodeAudioFile } from './decode-audio-file.js';
import { loadSincKernel } from './sinc-kernel.js';
import {
  OPENAI_PCM_RATE_HZ,
  SUPPORTED_SPEECH_FORMATS,
  createSpeechEncoder,
  type SpeechEncoder,
} from './speech-encoder.js';
import {
  LIMITS,
  assertAudioError,
  concatBytes,
  estimateFrequencyHz,
  maxAbsDiff,
  sine,
} from './testing/signals.js';
import { encodeWav, toPcm16 } from './wav-writer.js';

/** Our decoder reads s16 as v / 32768 while the writer scales by 32767: 1 LSB plus that gap. */
const DECODE_TOLERANCE = 2 / 32768;

/** Pushes `samples` in pieces of `pieceS` seconds; returns what each push gave and the end. */
function encodeInPieces(
  encoder: SpeechEncoder,
  samples: Float32Array,
  rateHz: number,
  pieceS = 0.1,
): { pushes: Uint8Array[]; tail: Uint8Array } {
  const step = Math.round(rateHz * pieceS);
  const pushes: Uint8Array[] = [];
  for (let i = 0; i < samples.length; i += step)
    pushes.push(encoder.push(samples.subarray(i, i + step)));
  return { pushes, tail: encoder.end() };
}

/** Largest difference, in 16-bit steps, between what wavefile reads and the written floats. */
function lsbErrorOf(wav: InstanceType<typeof wavefile.WaveFile>, expected: Float32Array): number {
  const ints = wav.getSamples(false, Float64Array);
  assert.equal(ints.length, expected.length);
  let max = 0;
  for (let i = 0; i < ints.length; i++)
    max = Math.max(max, Math.abs(ints[i]! - expected[i]! * 32767));
  return max;
}

test('supported formats are mp3, wav, pcm, flac; opus is refused naming the supported ones', async () => {
  assert.deepEqual([...SUPPORTED_SPEECH_FORMATS], ['mp3', 'wav', 'pcm', 'flac']);
  const err = await assertAudioError(
    () => createSpeechEncoder('opus', 22050),
    'UNSUPPORTED_RESPONSE_FORMAT',
    /must be one of mp3, wav, pcm, flac/,
  );
  assert.equal(err.details.field, 'response_format');
});

test('encodeWav writes a complete file that wavefile reads back to the same samples', () => {
  const samples = sine(440, 22050, 0.5, 0.9);
  const bytes = encodeWav({ samples, sampleRateHz: 22050 });
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(4, true), bytes.length - 8);
  assert.equal(view.getUint32(40, true), samples.length * 2);
  const wav = new wavefile.WaveFile(bytes);
  assert.equal(wav.bitDepth, '16');
  assert.equal((wav.fmt as { sampleRate: number }).sampleRate, 22050);
  assert.ok(lsbErrorOf(wav, samples) <= 1);
});

test('streamed WAV: header with unknown sizes first, then s16le that decodes to the input', async () => {
  const samples = sine(1000, 22050, 1, 0.7);
  const encoder = createSpeechEncoder('wav', 22050);
  assert.equal(encoder.contentType, 'audio/wav');
  const { pushes, tail } = encodeInPieces(encoder, samples, 22050);
  assert.equal(pushes[0]!.length, 44 + 2205 * 2, 'the header goes out with the first samples');
  const bytes = concatBytes(...pushes, tail);
  const view = new DataView(bytes.buffer);
  assert.equal(view.getUint32(4, true), 0xffffffff);
  assert.equal(view.getUint32(40, true), 0xffffffff);
  const decoded = await decodeAudioFile(bytes, LIMITS);
  assert.equal(decoded.sampleRateHz, 22050);
  assert.ok(maxAbsDiff(decoded.samples, samples) <= DECODE_TOLERANCE);
  assert.ok(lsbErrorOf(new wavefile.WaveFile(bytes), samples) <= 1);
  // No audio at all still yields a valid (empty) stream.
  assert.equal(createSpeechEncoder('wav', 16000).end().length, 44);
});

test('pcm is s16le at 24 kHz: passed through at 24 kHz, resampled from other model rates', async () => {
  const at24 = sine(1000, 24000, 0.5);
  const direct = createSpeechEncoder('pcm', 24000);
  assert.equal(direct.contentType, 'audio/pcm');
  const { pushes, tail } = encodeInPieces(direct, at24, 24000);
  assert.deepEqual(concatBytes(...pushes, tail), toPcm16(at24));

  await loadSincKernel();
  const at22 = sine(1000, 22050, 1);
  const resampling = createSpeechEncoder('pcm', 22050);
  assert.equal(resampling.sampleRateHz, OPENAI_PCM_RATE_HZ);
  const out = encodeInPieces(resampling, at22, 22050, 0.05);
  const bytes = concatBytes(...out.pushes, out.tail);
  assert.equal(bytes.length / 2, Math.round((at22.length * 24000) / 22050));
  const pcm = Float32Array.from(
    new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2),
    (v) => v / 32768,
  );
  assert.ok(Math.abs(estimateFrequencyHz(pcm, 24000) - 1000) < 2);
});

test('mp3 streams frames as audio arrives and decodes back to about the right duration', async () => {
  const samples = sine(1000, 22050, 1);
  const encoder = createSpeechEncoder('mp3', 22050);
  assert.equal(encoder.contentType, 'audio/mpeg');
  const { pushes, tail } = encodeInPieces(encoder, samples, 22050);
  assert.ok(
    pushes.slice(0, -1).some((p) => p.length > 0),
    'frames leave before end()',
  );
  const decoder = new MPEGDecoder();
  await decoder.ready;
  const decoded = decoder.decode(concatBytes(...pushes, tail));
  decoder.free();
  assert.equal(decoded.sampleRate, 22050);
  const durationS = decoded.samplesDecoded / decoded.sampleRate;
  assert.ok(durationS >= 1 && durationS < 1.1, `decoded ${durationS} s`);
  assert.ok(Math.abs(estimateFrequencyHz(decoded.channelData[0]!, 22050, 0.1) - 1000) < 10);
});

test('mp3 from a rate MPEG cannot carry is resampled to 24 kHz', async () => {
  await loadSincKernel();
  const encoder = createSpeechEncoder('mp3', 20000);
  assert.equal(encoder.sampleRateHz, 24000);
  const { pushes, tail } = encodeInPieces(encoder, sine(1000, 20000, 0.5), 20000);
  const decoded = await decodeAudioFile(concatBytes(...pushes, tail), LIMITS);
  assert.equal(decoded.sampleRateHz, 24000);
  assert.ok(decoded.durationS >= 0.5 && decoded.durationS < 0.6);
});
