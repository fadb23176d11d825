import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences } from './sentence-splitter.js';

test('splits at sentence ends, including ones espeak misses', () => {
  assert.deepEqual(splitSentences('Hello there.  How are you? fine ones. that is all!'), [
    'Hello there.',
    'How are you?',
    'fine ones.',
    'that is all!',
  ]);
});

test('long sentences are cut at commas, then words, never above the limit', () => {
  const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  const pieces = splitSentences(`${long}, and then some more words here.`, 80);
  assert.ok(pieces.length > 3);
  for (const p of pieces) assert.ok(p.length <= 80, p);
  assert.equal(pieces.join(' ').replace(/\s+/g, ' '), `${long}, and then some more words here.`);
});

test('shouted text is lowered so words are not spelled out; punctuation-only pieces vanish', () => {
  assert.deepEqual(splitSentences('THE UNITED STATES IS BIG. ... !'), [
    'The united states is big.',
  ]);
  assert.deepEqual(splitSentences('  ...  '), []);
});
