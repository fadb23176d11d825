import { test } from 'node:test';
import assert from 'node:assert/strict';
import { churnRate, churnWords, measureChurn } from './churn.js';

test('words ignore case and edge punctuation', () => {
  assert.deepEqual(churnWords('  Hello, world!  "ok" - '), ['hello', 'world', 'ok']);
});

test('growing partials that end in the final are not churn', () => {
  const c = measureChurn(['the', 'the cat', 'the cat sat'], 'The cat sat.');
  assert.deepEqual(c, { rewrittenWords: 0, shownWords: 6 });
});

test('a changed word rewrites it and every shown word after it', () => {
  // "the cat" -> "the cap sat": 1 of 2; "the cap sat" -> final "the cat sat down": 2 of 3.
  const c = measureChurn(['the cat', 'the cap sat'], 'the cat sat down');
  assert.deepEqual(c, { rewrittenWords: 3, shownWords: 5 });
  assert.equal(churnRate([c]), 3 / 5);
});

test('a shorter next text rewrites the words it dropped; an empty final rewrites all', () => {
  assert.deepEqual(measureChurn(['a b c'], 'a b'), { rewrittenWords: 1, shownWords: 3 });
  assert.deepEqual(measureChurn(['a b'], ''), { rewrittenWords: 2, shownWords: 2 });
});

test('no partials, or nothing shown: zero churn, and the rate is 0 not NaN', () => {
  assert.deepEqual(measureChurn([], 'final text'), { rewrittenWords: 0, shownWords: 0 });
  assert.deepEqual(measureChurn([''], 'x'), { rewrittenWords: 0, shownWords: 0 });
  assert.equal(churnRate([]), 0);
});

test('the run rate sums over utterances, it does not average per-utterance rates', () => {
  const rate = churnRate([
    { rewrittenWords: 1, shownWords: 1 },
    { rewrittenWords: 0, shownWords: 9 },
  ]);
  assert.equal(rate, 0.1);
});
