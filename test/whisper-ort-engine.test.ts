/**
 * Whisper on ONNX Runtime with our features and decoder loop (src/engines/ort), on the real
 * whisper-tiny.en files: accuracy on recorded speech, what a draft changes (the text must not),
 * and bad input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createWhisperOrtEngine } from '../src/engines/index.js';
import type { WhisperOrtEngine } from '../src/engines/index.js';
import { normalizeText, readManifest, wordErrorRate } from '../src/eval/index.js';
import type { ManifestItem } from '../src/eval/index.js';
import { DEV_AUDIO, MODELS_MIRROR } from './helpers/paths.js';
import { samples16kOf } from './helpers/recorded-audio.js';

const MODEL = join(MODELS_MIRROR, 'whisper-tiny.en');
let engine: WhisperOrtEngine;
let clean: ManifestItem[];

before(async () => {
  engine = await createWhisperOrtEngine({
    encoderPath: join(MODEL, 'tiny.en-encoder.int8.onnx'),
    decoderPath: join(MODEL, 'tiny.en-decoder.int8.onnx'),
    tokensPath: join(MODEL, 'tiny.en-tokens.txt'),
    tailPaddingsFinal: 3000,
    tailPaddingsPartial: -1,
    numThreads: 1,
  });
  const items = await readManifest(join(DEV_AUDIO, 'manifest.jsonl'));
  clean = items.filter((i) => i.tags.includes('clean') && i.tags.includes('read')).slice(0, 6);
  assert.equal(clean.length, 6);
});

after(() => engine.close());

const wer = (ref: string, hyp: string): number =>
  wordErrorRate(normalizeText(ref, { numbers: 'spell' }), normalizeText(hyp, { numbers: 'spell' }))
    .wer;

test('clean read speech: every pass transcribes it as Whisper tiny.en does (WER under 15 %)', async () => {
  let errors = 0;
  let words = 0;
  for (const item of clean) {
    const samples = await samples16kOf(item.audioPath);
    for (const pass of ['final', 'live_final'] as const) {
      const result = await engine.decode(samples, { task: 'transcribe', pass });
      const score = wordErrorRate(
        normalizeText(item.text, { numbers: 'spell' }),
        normalizeText(result.text, { numbers: 'spell' }),
      );
      errors += score.errors;
      words += score.refWords;
      assert.equal(result.language, 'en');
      assert.equal(result.tokens.join('').trim(), result.text);
    }
  }
  assert.ok(errors / words < 0.15, `WER ${((errors / words) * 100).toFixed(1)} %`);
});

/** Words that differ between two transcripts of the same audio. */
const wordsApart = (a: string, b: string): number =>
  wordErrorRate(normalizeText(a, { numbers: 'spell' }), normalizeText(b, { numbers: 'spell' }))
    .errors;

test('a draft changes the cost, not the transcript: right, partial, wrong-tailed and foreign drafts', async () => {
  // Not always token for token: the int8 decoder quantises its activations per call, so logits
  // for 30 positions at once differ in the last bits from one position at a time, and a near tie
  // can flip (bench/draft-decode.ts counts how often; WER is unchanged). Hence "at most 2 words".
  const [first, second] = clean;
  const samples = await samples16kOf(first!.audioPath);
  const other = await samples16kOf(second!.audioPath);
  const options = { task: 'transcribe', pass: 'live_final' } as const;
  const plain = await engine.decode(samples, options);
  const n = plain.draft.tokens.length;
  assert.ok(n > 10);
  assert.equal(plain.decoderCalls, n + 1);
  assert.equal(plain.draftKept, 0);

  const exact = await engine.decode(samples, { ...options, draft: plain.draft });
  assert.ok(wordsApart(plain.text, exact.text) <= 2, exact.text);
  assert.ok(exact.draftKept >= n / 2, `${exact.draftKept} of ${n} kept`);
  // One call checks the draft; each token after the kept ones costs one more.
  assert.equal(exact.decoderCalls, exact.draft.tokens.length - exact.draftKept + 1);

  // What a partial 1 s before the end had: most of it is kept, the rest decoded as usual.
  const partial = await engine.decode(samples.subarray(0, samples.length - 16_000), {
    ...options,
    pass: 'partial',
  });
  const fromPartial = await engine.decode(samples, { ...options, draft: partial.draft });
  assert.ok(wordsApart(plain.text, fromPartial.text) <= 2, fromPartial.text);
  assert.ok(fromPartial.draftKept >= n / 3, `${fromPartial.draftKept} of ${n} kept`);
  assert.equal(
    fromPartial.decoderCalls,
    fromPartial.draft.tokens.length - fromPartial.draftKept + 1,
  );

  // Token 2 is '#': the model never continues this sentence with it.
  const wrongTail = { tokens: [...plain.draft.tokens.slice(0, n - 3), 2, 2, 2] };
  const tailed = await engine.decode(samples, { ...options, draft: wrongTail });
  assert.ok(wordsApart(plain.text, tailed.text) <= 2, tailed.text);
  assert.ok(tailed.draftKept <= n - 3);
  assert.doesNotMatch(tailed.text, /#/);

  const foreign = await engine.decode(other, { ...options, draft: plain.draft });
  const foreignPlain = await engine.decode(other, options);
  assert.ok(wordsApart(foreignPlain.text, foreign.text) <= 2, foreign.text);
  assert.ok(wer(second!.text, foreign.text) < 0.2);
});

test('empty, tiny, silent and over-long input decode without throwing', async () => {
  const options = { task: 'transcribe', pass: 'final' } as const;
  for (const samples of [new Float32Array(0), new Float32Array(1), new Float32Array(800)]) {
    const result = await engine.decode(samples, options);
    assert.equal(result.text, '');
  }
  const silence = await engine.decode(new Float32Array(16_000 * 3), options);
  assert.equal(silence.text.replace(/\[[^\]]*\]|\([^)]*\)/g, '').trim(), '');
  // Past 30 s the engine keeps the first 29.5 s, as sherpa-onnx does.
  const speech = await samples16kOf(clean[0]!.audioPath);
  const long = new Float32Array(16_000 * 40);
  long.set(speech.subarray(0, Math.min(speech.length, long.length)));
  const result = await engine.decode(long, options);
  assert.ok(wer(clean[0]!.text, result.text) < 0.3, result.text.length > 0 ? 'text' : 'empty');
});

test('one decode at a time; a closed engine refuses work', async () => {
  const samples = new Float32Array(16_000);
  const first = engine.decode(samples, { task: 'transcribe' });
  await assert.rejects(engine.decode(samples, { task: 'transcribe' }), /one decode at a time/);
  await first;
  // Closing during a decode lets it finish; the sessions go after it.
  const last = engine.decode(samples, { task: 'transcribe' });
  engine.close();
  await assert.doesNotReject(last);
  await assert.rejects(engine.decode(samples, { task: 'transcribe' }), /closed/);
});
