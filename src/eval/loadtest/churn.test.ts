import { test } from 'node:test';
import assert from 'node:assert/strict';
import { churnRate, churnWords, measureChurn, measureViewChurn } from './churn.js';

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

test('view churn over a stream equals measureChurn summed over its utterances', () => {
  // Utterance 1: "the cat" -> "the cap sat" -> final "the cat sat down";
  // utterance 2: "and" -> "and then" -> never finalised (compared with nothing).
  const views = [
    { final: '', partial: 'the cat' },
    { final: '', partial: 'the cap sat' },
    { final: 'the cat sat down', partial: '' },
    { final: 'the cat sat down', partial: 'and' },
    { final: 'the cat sat down', partial: 'and then' },
    { final: 'the cat sat down', partial: '' },
  ];
  const a = measureChurn(['the cat', 'the cap sat'], 'the cat sat down');
  const b = measureChurn(['and', 'and then'], '');
  assert.deepEqual(measureViewChurn(views), {
    rewrittenWords: a.rewrittenWords + b.rewrittenWords,
    shownWords: a.shownWords + b.shownWords,
  });
});

test('view churn: tentative words that become committed, unchanged, are not rewritten', () => {
  // A peer commits "the same" while "operations" stays shown as tentative: no churn; then
  // "operations with us" becomes "operations with ugly ones": "us" is rewritten (1 of 3).
  const views = [
    { final: 'then in', partial: 'the same operations' },
    { final: 'then in the same', partial: 'operations with us' },
    { final: 'then in the same operations with ugly ones.', partial: '' },
  ];
  assert.deepEqual(measureViewChurn(views), { rewrittenWords: 1, shownWords: 6 });
  assert.deepEqual(measureViewChurn([]), { rewrittenWords: 0, shownWords: 0 });
});
