import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLanguageTag } from './whisper-engine.js';

test('language tags in both of sherpa-onnx shapes', () => {
  assert.equal(parseLanguageTag('de'), 'de');
  assert.equal(parseLanguageTag('<|ja|>'), 'ja');
  assert.equal(parseLanguageTag(''), '');
  assert.equal(parseLanguageTag('<|nonsense tag|>'), '');
});
