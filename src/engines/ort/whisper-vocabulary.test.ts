import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specialTokensFor, WhisperVocabulary } from './whisper-vocabulary.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

test('pieces are base64; text joins bytes first, so a character split across tokens survives', () => {
  const euro = Buffer.from('€'); // three bytes
  const vocabulary = WhisperVocabulary.parse(
    [
      `${b64(' Hello')} 0`,
      `${b64(',')} 1`,
      `${b64(euro.subarray(0, 2))} 2`,
      `${b64(euro.subarray(2))} 3`,
      '',
    ].join('\n'),
  );
  assert.equal(vocabulary.textOf([0, 1, 2, 3]), 'Hello,€');
  assert.equal(vocabulary.pieceOf(0), ' Hello');
  // Special tokens (not in the file) add no text.
  assert.equal(vocabulary.textOf([50_257, 0, 50_256]), 'Hello');
  assert.equal(vocabulary.pieceOf(50_256), '');
});

test('a malformed line names the file and line', () => {
  assert.throws(() => WhisperVocabulary.parse(`${b64('a')} 0\nnot-a-token-line\n`, 'tokens.txt'), {
    message: /tokens\.txt:2: expected/,
  });
  assert.throws(() => WhisperVocabulary.parse(`${b64('a')} -3\n`), { message: /:1: expected/ });
});

test('special tokens of English-only checkpoints; other vocabularies are refused', () => {
  const special = specialTokensFor(51_864);
  assert.deepEqual(
    [special.endOfText, special.startOfTranscript, special.noTimestamps],
    [50_256, 50_257, 50_362],
  );
  assert.throws(() => specialTokensFor(51_865), { message: /only English-only checkpoints/ });
});
