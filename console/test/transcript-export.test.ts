import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportTranscript } from '../src/files/transcript-export';
import type { VerboseTranscript } from '../src/api/wire';

const transcript: VerboseTranscript = {
  language: 'english',
  duration: 65,
  text: 'Hello there. Goodbye.',
  model: 'whisper-tiny.en',
  segments: [
    { id: 0, start: 0.5, end: 2.25, text: 'Hello there.' },
    { id: 1, start: 61, end: 62.5, text: 'Goodbye.' },
  ],
  words: [],
};

test('srt numbers cues and uses commas; vtt has a header and dots', () => {
  const srt = exportTranscript(transcript, 'srt');
  assert.equal(srt.mimeType, 'application/x-subrip');
  assert.equal(
    srt.body,
    '1\n00:00:00,500 --> 00:00:02,250\nHello there.\n\n2\n00:01:01,000 --> 00:01:02,500\nGoodbye.\n',
  );
  assert.equal(
    exportTranscript(transcript, 'vtt').body,
    'WEBVTT\n\n00:00:00.500 --> 00:00:02.250\nHello there.\n\n00:01:01.000 --> 00:01:02.500\nGoodbye.\n',
  );
});

test('txt is the text; json is the whole response', () => {
  assert.equal(exportTranscript(transcript, 'txt').body, 'Hello there. Goodbye.\n');
  assert.deepEqual(JSON.parse(exportTranscript(transcript, 'json').body), transcript);
});
