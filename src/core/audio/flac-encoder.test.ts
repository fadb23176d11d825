import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import {
  createFlacStreamEncoder,
  isFlacRate,
  liveFlacEncoderCount,
  loadFlacLibrary,
  type FlacStreamEncoder,
} from './flac-encoder.js';
import { decodeAudioFile } from './decode-audio-file.js';
import { createSpeechEncoder } from './speech-encoder.js';
import { LIMITS, concatBytes, maxAbsDiff, sine } from './testing/signals.js';
import { floatToInt16 } from './wav-writer.js';

const RATE_HZ = 22050;
/** fLaC + STREAMINFO (4 + 34) + VORBIS_COMMENT with libFLAC's vendor string. */
const HEADER_BYTES = 4 + 38 + 44;
/** libFLAC's block at compression level 5. */
const BLOCK_SAMPLES = 4096;
/** @wasm-audio-decoders/flac scales 16-bit samples by 1 / 32767 (our writer's scale too). */
const DECODER_SCALE = 32767;

/** The decoded floats back as the 16-bit integers in the file. */
function toInts(decoded: Float32Array): number[] {
  return Array.from(decoded, (v) => Math.round(v * DECODER_SCALE));
}

async function decodeFlac(
  bytes: Uint8Array,
): Promise<{ samples: Float32Array; sampleRateHz: number; bitDepth: number }> {
  const decoder = new FLACDecoder();
  try {
    await decoder.ready;
    const out = await decoder.decodeFile(bytes);
    assert.deepEqual(out.errors, []);
    return {
      samples: out.channelData[0]!.subarray(0, out.samplesDecoded),
      sampleRateHz: out.sampleRate,
      bitDepth: out.bitDepth,
    };
  } finally {
    decoder.free();
  }
}

/** The STREAMINFO fields a streaming encoder cannot know up front, and the format. */
function readStreamInfo(bytes: Uint8Array): {
  sampleRateHz: number;
  channels: number;
  bitsPerSample: number;
  totalSamples: number;
  md5Zero: boolean;
} {
  assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), 'fLaC');
  assert.equal(bytes[4]! & 0x7f, 0, 'STREAMINFO comes first');
  const info = bytes.subarray(8, 8 + 34);
  const dv = new DataView(info.buffer, info.byteOffset, 34);
  const packed = dv.getUint32(10); // rate (20 bits), channels-1 (3), bps-1 (5), 4 bits of total
  return {
    sampleRateHz: packed >>> 12,
    channels: ((packed >>> 9) & 0x7) + 1,
    bitsPerSample: ((packed >>> 4) & 0x1f) + 1,
    totalSamples: (packed & 0xf) * 2 ** 32 + dv.getUint32(14),
    md5Zero: info.subarray(18, 34).every((b) => b === 0),
  };
}

function pushInPieces(
  encoder: Pick<FlacStreamEncoder, 'push'>,
  samples: Float32Array,
  pieceSamples: number,
): Uint8Array[] {
  const pushes: Uint8Array[] = [];
  for (let i = 0; i < samples.length; i += pieceSamples)
    pushes.push(encoder.push(samples.subarray(i, i + pieceSamples)));
  return pushes;
}

// First in this file (its own process): the library is not loaded yet when this encoder starts.
test('samples pushed while the library loads are kept and encoded once it is ready', async () => {
  const samples = sine(440, RATE_HZ, 0.5);
  const encoder = createFlacStreamEncoder(RATE_HZ);
  assert.equal(encoder.push(samples.subarray(0, 5000)).length, 0, 'held, not lost');
  await loadFlacLibrary();
  const later = encoder.push(samples.subarray(5000));
  assert.ok(later.length > HEADER_BYTES, 'headers and the held block leave with the next push');
  const decoded = await decodeFlac(concatBytes(later, encoder.end()));
  assert.deepEqual(toInts(decoded.samples), Array.from(floatToInt16(samples)));
});

test('flac streams: headers at the first push, a frame per block, lossless to the sample', async () => {
  await loadFlacLibrary();
  const samples = sine(440, RATE_HZ, 3, 0.8);
  const encoder = createSpeechEncoder('flac', RATE_HZ);
  assert.equal(encoder.contentType, 'audio/flac');
  assert.equal(encoder.sampleRateHz, RATE_HZ);
  const piece = Math.round(RATE_HZ * 0.1);
  const pushes = pushInPieces(encoder, samples, piece);
  const tail = encoder.end();

  assert.equal(pushes[0]!.length, HEADER_BYTES, 'the headers leave with the first samples');
  const info = readStreamInfo(pushes[0]!);
  assert.deepEqual(info, {
    sampleRateHz: RATE_HZ,
    channels: 1,
    bitsPerSample: 16,
    totalSamples: 0, // unknown: STREAMINFO cannot be rewritten on a stream
    md5Zero: true, // "not computed"
  });
  // The first block (4096 samples) is complete inside the second push, so it leaves then.
  assert.ok(pushes[1]!.length > 0, 'the first frame leaves before end()');

  // What left before end() already decodes, and lacks at most one block plus the look-ahead.
  const streamed = await decodeFlac(concatBytes(...pushes));
  assert.ok(samples.length - streamed.samples.length <= BLOCK_SAMPLES + piece);

  const decoded = await decodeFlac(concatBytes(...pushes, tail));
  assert.equal(decoded.sampleRateHz, RATE_HZ);
  assert.equal(decoded.bitDepth, 16);
  assert.equal(decoded.samples.length, samples.length, 'same duration, to the sample');
  assert.deepEqual(
    toInts(decoded.samples),
    Array.from(floatToInt16(samples)),
    'lossless: the 16-bit samples come back unchanged',
  );
  assert.ok(maxAbsDiff(decoded.samples, samples) <= 1 / 32767, 'within 1 LSB of the input');
  assert.ok(concatBytes(...pushes, tail).length < samples.length * 2, 'and smaller than PCM');

  // Our own reader takes the streamed STREAMINFO (length unknown) and reads to the end.
  const ours = await decodeAudioFile(concatBytes(...pushes, tail), LIMITS);
  assert.equal(ours.format, 'flac');
  assert.equal(ours.samples.length, samples.length);
});

test('an empty stream is still a valid FLAC file, and end() frees the native encoder', async () => {
  await loadFlacLibrary();
  const before = liveFlacEncoderCount();
  const encoder = createSpeechEncoder('flac', 16000);
  assert.equal(liveFlacEncoderCount(), before, 'nothing native until audio arrives');
  const bytes = encoder.end();
  assert.equal(bytes.length, HEADER_BYTES);
  assert.equal(readStreamInfo(bytes).sampleRateHz, 16000);
  assert.equal(liveFlacEncoderCount(), before);
  assert.equal(encoder.end().length, 0, 'a second end() adds nothing');
  assert.throws(() => encoder.push(new Float32Array(10)), /already ended/);
});

test('a stream dropped without end() has its native encoder freed when collected', async () => {
  await loadFlacLibrary();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const before = liveFlacEncoderCount();
  (() => {
    const encoder = createFlacStreamEncoder(RATE_HZ);
    encoder.push(sine(440, RATE_HZ, 0.5));
  })();
  assert.equal(liveFlacEncoderCount(), before + 1);
  for (let i = 0; i < 20 && liveFlacEncoderCount() > before; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(liveFlacEncoderCount(), before);
});

test('FLAC rates: up to 65535 Hz any integer, multiples of 10 above; others go out at 48 kHz', () => {
  for (const rate of [8000, 16000, 22050, 24000, 44100, 48000, 65535, 96000, 192000])
    assert.ok(isFlacRate(rate), `${rate}`);
  for (const rate of [0, 22050.5, 96001, 700_000]) assert.ok(!isFlacRate(rate), `${rate}`);
  assert.throws(() => createFlacStreamEncoder(96001), RangeError);
  assert.equal(createSpeechEncoder('flac', 96001).sampleRateHz, 48000);
});
