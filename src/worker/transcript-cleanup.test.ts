import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanTranscript, collapseLoops } from './transcript-cleanup.js';

test('non-speech tags alone clean to empty text', () => {
  for (const raw of [
    '[BLANK_AUDIO]',
    '[ Silence ]',
    '( Sound Effects )',
    '(music)',
    '♪♪',
    ' . ',
    '',
  ]) {
    assert.equal(cleanTranscript(raw), '', raw);
  }
});

test('tags are removed from speech and spacing is repaired', () => {
  assert.equal(cleanTranscript('[MUSIC] Hello there. [BLANK_AUDIO]'), 'Hello there.');
});

test('decoding loops collapse, ordinary repeats stay', () => {
  assert.equal(collapseLoops('8 8 8 8 8 8 8 8'), '8');
  assert.equal(collapseLoops('five 8 8 3'), 'five 8 8 3');
  assert.equal(collapseLoops('no no no'), 'no no no');
  assert.equal(collapseLoops('thank you. thank you. thank you. thank you. bye'), 'thank you. bye');
  assert.equal(collapseLoops('I said, I said, I said, I said it'), 'I said it');
});
