import { test } from 'node:test';
import assert from 'node:assert/strict';
import { languageName, parseTranscriptFormat, toSrt, toVtt } from './transcript-formats.js';

const segments = [
  { id: 0, start_s: 0.5, end_s: 2.25, text: 'Hello there.', words: [] },
  { id: 1, start_s: 3661.001, end_s: 3662, text: 'An hour later.', words: [] },
];

test('srt and vtt timestamps and numbering', () => {
  assert.equal(
    toSrt(segments),
    '1\n00:00:00,500 --> 00:00:02,250\nHello there.\n\n2\n01:01:01,001 --> 01:01:02,000\nAn hour later.\n',
  );
  assert.ok(toVtt(segments).startsWith('WEBVTT\n\n00:00:00.500 --> 00:00:02.250\nHello there.\n'));
});

test('unknown response_format is a stable error naming the field', () => {
  assert.throws(() => parseTranscriptFormat('docx'), {
    code: 'UNSUPPORTED_RESPONSE_FORMAT',
    message: /response_format/,
  });
  assert.equal(parseTranscriptFormat(undefined), 'json');
});

test('language codes become OpenAI-style names', () => {
  assert.equal(languageName('de'), 'german');
  assert.equal(languageName(''), 'unknown');
});
