import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGreedy } from './whisper-greedy.js';
import type { WhisperDecoderStep } from './whisper-greedy.js';

const EOT = 9;
const PROMPT = [100, 101];

/**
 * A scripted decoder that always continues `script` (then end of text), whatever came before,
 * and records each call's tokens and offset.
 */
function scriptedDecoder(script: readonly number[]): {
  step: WhisperDecoderStep;
  calls: { tokens: number[]; offset: number }[];
} {
  const calls: { tokens: number[]; offset: number }[] = [];
  const step: WhisperDecoderStep = (tokens, offset) => {
    calls.push({ tokens: [...tokens], offset });
    // The choice after position p (counted from the prompt's first token) is script[p - 1].
    return Promise.resolve(
      tokens.map((_, i) => {
        const produced = offset + i - (PROMPT.length - 1);
        return script[produced] ?? EOT;
      }),
    );
  };
  return { step, calls };
}

const options = { prompt: PROMPT, endOfText: EOT, maxTokens: 50, contextTokens: 448 };

test('without a draft: one call for the prompt, then one per token', async () => {
  const { step, calls } = scriptedDecoder([1, 2, 3]);
  const result = await decodeGreedy(step, options);
  assert.deepEqual(result.tokens, [1, 2, 3]);
  assert.equal(result.decoderCalls, 4);
  assert.equal(result.draftKept, 0);
  assert.deepEqual(calls, [
    { tokens: PROMPT, offset: 0 },
    { tokens: [1], offset: 2 },
    { tokens: [2], offset: 3 },
    { tokens: [3], offset: 4 },
  ]);
});

test('a draft the model agrees with costs one call, and the end is still found', async () => {
  const { step, calls } = scriptedDecoder([1, 2, 3]);
  const result = await decodeGreedy(step, { ...options, draft: [1, 2, 3] });
  assert.deepEqual(result.tokens, [1, 2, 3]);
  assert.equal(result.draftKept, 3);
  assert.equal(result.decoderCalls, 1);
  assert.deepEqual(calls[0], { tokens: [...PROMPT, 1, 2, 3], offset: 0 });
});

test('a draft is kept up to the first disagreement; the loop goes on from there', async () => {
  const { step, calls } = scriptedDecoder([1, 2, 3, 4, 5]);
  const result = await decodeGreedy(step, { ...options, draft: [1, 2, 7, 4] });
  assert.deepEqual(result.tokens, [1, 2, 3, 4, 5]);
  assert.equal(result.draftKept, 2);
  // The model's own choice (3) is fed at the position the wrong draft token had.
  assert.deepEqual(calls.slice(1), [
    { tokens: [3], offset: 4 },
    { tokens: [4], offset: 5 },
    { tokens: [5], offset: 6 },
  ]);
});

test('a draft longer than what the audio says is cut where the model ends the text', async () => {
  const { step } = scriptedDecoder([1, 2]);
  const result = await decodeGreedy(step, { ...options, draft: [1, 2, 3, 4] });
  assert.deepEqual(result.tokens, [1, 2]);
  assert.equal(result.draftKept, 2);
  assert.equal(result.decoderCalls, 1);
});

test('a wholly wrong draft gives plain greedy', async () => {
  const { step } = scriptedDecoder([1, 2, 3]);
  const result = await decodeGreedy(step, { ...options, draft: [6, 6, 6] });
  assert.deepEqual(result.tokens, [1, 2, 3]);
  assert.equal(result.draftKept, 0);
});

test('the token cap holds with and without a draft (a repetition loop stops)', async () => {
  const looping = Array.from({ length: 100 }, () => 5);
  const plain = await decodeGreedy(scriptedDecoder(looping).step, { ...options, maxTokens: 4 });
  assert.deepEqual(plain.tokens, [5, 5, 5, 5]);
  const drafted = await decodeGreedy(scriptedDecoder(looping).step, {
    ...options,
    maxTokens: 4,
    draft: [5, 5, 5, 5, 5, 5, 5],
  });
  assert.deepEqual(drafted.tokens, [5, 5, 5, 5]);
  assert.equal(drafted.decoderCalls, 1);
});

test('the text context bounds the output: the prompt and the last position count', async () => {
  const looping = Array.from({ length: 100 }, () => 5);
  const result = await decodeGreedy(scriptedDecoder(looping).step, {
    ...options,
    contextTokens: 8,
  });
  assert.equal(result.tokens.length, 8 - 1 - PROMPT.length);
});

test('a draft ends at its end-of-text token', async () => {
  const { step, calls } = scriptedDecoder([1]);
  await decodeGreedy(step, { ...options, draft: [1, EOT, 2] });
  assert.deepEqual(calls[0]?.tokens, [...PROMPT, 1]);
});

test('no audio worth a token: the prompt alone is decoded', async () => {
  const { step } = scriptedDecoder([1, 2]);
  const result = await decodeGreedy(step, { ...options, maxTokens: 0, draft: [1, 2] });
  assert.deepEqual(result.tokens, []);
  assert.equal(result.decoderCalls, 1);
});
