import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aggregate,
  aggregateChars,
  charErrorRate,
  splitChars,
  wordErrorRate,
} from './error-rate.js';

const counts = (r: {
  substitutions: number;
  insertions: number;
  deletions: number;
  errors: number;
}) => ({
  s: r.substitutions,
  i: r.insertions,
  d: r.deletions,
  e: r.errors,
});

test('identical texts: WER 0', () => {
  const r = wordErrorRate('the press yard', 'the press yard');
  assert.deepEqual(counts(r), { s: 0, i: 0, d: 0, e: 0 });
  assert.equal(r.refWords, 3);
  assert.equal(r.hits, 3);
  assert.equal(r.wer, 0);
});

test('empty hypothesis: every reference word deleted, WER 1', () => {
  const r = wordErrorRate('ten of clubs', '');
  assert.deepEqual(counts(r), { s: 0, i: 0, d: 3, e: 3 });
  assert.equal(r.wer, 1);
  assert.deepEqual(
    r.alignment.map((p) => p.op),
    ['del', 'del', 'del'],
  );
});

test('insertions only: WER above 1 is possible', () => {
  const r = wordErrorRate('eight', 'eight eight eight eight');
  assert.deepEqual(counts(r), { s: 0, i: 3, d: 0, e: 3 });
  assert.equal(r.wer, 3);
  assert.equal(r.hypWords, 4);
});

test('empty reference: 0 when the hypothesis is empty too, else insertions / 1', () => {
  assert.equal(wordErrorRate('', '').wer, 0);
  assert.equal(wordErrorRate('   ', '').errors, 0);
  const r = wordErrorRate('', 'thank you for watching');
  assert.deepEqual(counts(r), { s: 0, i: 4, d: 0, e: 4 });
  assert.equal(r.refWords, 0);
  assert.equal(r.wer, 4);
  assert.ok(Number.isFinite(r.wer));
});

test('mixed errors with known S / I / D counts', () => {
  // ref: the numbers soon increased however and by eighteen eleven
  // hyp: numbers soon increase however and by the eighteen eleven today
  const r = wordErrorRate(
    'the numbers soon increased however and by eighteen eleven',
    'numbers soon increase however and by the eighteen eleven today',
  );
  assert.deepEqual(counts(r), { s: 1, i: 2, d: 1, e: 4 });
  assert.equal(r.refWords, 9);
  assert.equal(r.wer, 4 / 9);
  assert.deepEqual(
    r.alignment.filter((p) => p.op !== 'eq'),
    [
      { op: 'del', ref: 'the' },
      { op: 'sub', ref: 'increased', hyp: 'increase' },
      { op: 'ins', hyp: 'the' },
      { op: 'ins', hyp: 'today' },
    ],
  );
});

test('words are split on any whitespace and compared exactly', () => {
  const r = wordErrorRate('a  b\tc\n', ' a b C');
  assert.deepEqual(counts(r), { s: 1, i: 0, d: 0, e: 1 });
  assert.equal(r.refWords, 3);
});

test('unicode words compare as whole tokens', () => {
  const r = wordErrorRate('die höhle befindet sich', 'die hohle befindet sich');
  assert.deepEqual(counts(r), { s: 1, i: 0, d: 0, e: 1 });
  assert.equal(wordErrorRate("l'accident été", "l'accident été").errors, 0);
});

test('CER counts code points, ignoring whitespace', () => {
  const r = charErrorRate('广州市房地产中介协会分析', '广州 市房地产中间协会分析了');
  assert.equal(r.refChars, 12);
  assert.deepEqual(counts(r), { s: 1, i: 1, d: 0, e: 2 });
  assert.equal(r.cer, 2 / 12);
  assert.deepEqual(splitChars('𠀋a b'), ['𠀋', 'a', 'b']);
  assert.equal(charErrorRate('', '').cer, 0);
  assert.equal(charErrorRate('', 'あい').cer, 2);
  assert.equal(charErrorRate('あい', '').cer, 1);
});

test('aggregate is total errors over total reference words, not a mean of rates', () => {
  const long = wordErrorRate('a b c d e f g h i j', 'a b c d e f g h i x'); // 1 / 10
  const short = wordErrorRate('one', 'two'); // 1 / 1
  const corpus = aggregate([long, short]);
  assert.equal(corpus.utterances, 2);
  assert.equal(corpus.errors, 2);
  assert.equal(corpus.substitutions, 2);
  assert.equal(corpus.refWords, 11);
  assert.equal(corpus.wer, 2 / 11);
  assert.notEqual(corpus.wer, (long.wer + short.wer) / 2);
});

test('aggregate over nothing, or over empty references only, follows the same rule', () => {
  assert.deepEqual(aggregate([]), {
    utterances: 0,
    substitutions: 0,
    insertions: 0,
    deletions: 0,
    errors: 0,
    refWords: 0,
    wer: 0,
  });
  const corpus = aggregate([wordErrorRate('', 'uh'), wordErrorRate('', '')]);
  assert.equal(corpus.errors, 1);
  assert.equal(corpus.wer, 1);
});

test('aggregateChars sums characters the same way', () => {
  const corpus = aggregateChars([charErrorRate('ab', 'ab'), charErrorRate('cdef', 'cxef')]);
  assert.equal(corpus.refChars, 6);
  assert.equal(corpus.errors, 1);
  assert.equal(corpus.cer, 1 / 6);
});
