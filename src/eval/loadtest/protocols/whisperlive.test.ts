import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  WhisperLiveTranscript,
  parseWhisperLiveMessage,
  type WhisperLiveSegment,
} from './whisperlive.js';

// Captured from whisper-live 0.10.0 (faster_whisper backend, tiny.en) streaming LJ001-0126,
// 1089-134686-0000 and a session over max_clients; trimmed to what the parser reads.
const READY = '{"uid": "cap-1", "message": "SERVER_READY", "backend": "faster_whisper"}';
const WAIT = '{"uid": "cap-1", "status": "WAIT", "message": 9.98323262532552}';
const PARTIAL_1 =
  '{"uid": "cap-1", "segments": [{"start": "0.000", "end": "1.000", "text": " Most of Jensen\'s...", "completed": false}]}';
const PARTIAL_2 =
  '{"uid": "cap-1", "segments": [{"start": "0.000", "end": "2.300", "text": " Most of Jensen\'s letters are designed with a-", "completed": false}]}';
const COMPLETED =
  '{"uid": "cap-1", "segments": [{"start": "0.000", "end": "3.200", "text": " Most of Jensen\'s letters are designed within a square.", "completed": true}]}';
const TWO_DONE_ONE_OPEN =
  '{"uid": "cap-1", "segments": [{"start": "0.180", "end": "2.620", "text": " He hoped there would be stew for dinner,", "completed": true}, {"start": "2.620", "end": "5.120", "text": " turnips and carrots and bruised potatoes", "completed": true}, {"start": "5.120", "end": "7.600", "text": " and fat mutton pieces to be ladled out.", "completed": false}]}';
const SAME_AGAIN =
  '{"uid": "cap-1", "segments": [{"start": "0.180", "end": "2.620", "text": " He hoped there would be stew for dinner,", "completed": true}, {"start": "2.620", "end": "5.120", "text": " turnips and carrots and bruised potatoes", "completed": true}, {"start": "5.120", "end": "8.120", "text": " and fat mutton pieces to be ladled out and thick.", "completed": false}]}';

function segmentsOf(raw: string): readonly WhisperLiveSegment[] {
  const m = parseWhisperLiveMessage(raw);
  assert.equal(m.kind, 'segments');
  return m.kind === 'segments' ? m.segments : [];
}

test('SERVER_READY opens; WAIT is OVER_CAPACITY with the wait; ERROR is ENGINE_FAILED', () => {
  assert.deepEqual(parseWhisperLiveMessage(READY), { kind: 'ready' });
  const wait = parseWhisperLiveMessage(WAIT);
  assert.ok(wait.kind === 'failure');
  assert.equal(wait.error.code, 'OVER_CAPACITY');
  assert.equal(wait.error.details.retryAfterMs, 598_994);
  const error = parseWhisperLiveMessage(
    '{"uid": "u", "status": "ERROR", "message": "Failed to load model: x"}',
  );
  assert.ok(error.kind === 'failure' && error.error.code === 'ENGINE_FAILED');
  const disconnect = parseWhisperLiveMessage('{"uid": "u", "message": "DISCONNECT"}');
  assert.ok(disconnect.kind === 'failure' && disconnect.error.code === 'INTERNAL');
});

test('segments: times as numbers, text trimmed; noise and other messages are ignored', () => {
  assert.deepEqual(segmentsOf(PARTIAL_1), [
    { start: 0, end: 1, text: "Most of Jensen's...", completed: false },
  ]);
  for (const raw of [
    'not json',
    '[]',
    '{"uid": "u", "language": "en", "language_prob": 1}',
    '{"uid": "u", "status": "WARNING", "message": "x"}',
  ])
    assert.deepEqual(parseWhisperLiveMessage(raw), { kind: 'ignored' }, raw);
});

test('the incomplete last segment is the partial; completing it makes it final', () => {
  const t = new WhisperLiveTranscript();
  assert.deepEqual(t.apply(segmentsOf(PARTIAL_1)), {
    updates: [{ type: 'partial', text: "Most of Jensen's..." }],
    allCompleted: false,
  });
  assert.deepEqual(t.apply(segmentsOf(PARTIAL_2)).updates, [
    { type: 'partial', text: "Most of Jensen's letters are designed with a-" },
  ]);
  // The same text again changes nothing shown.
  assert.deepEqual(t.apply(segmentsOf(PARTIAL_2)).updates, []);
  assert.deepEqual(t.apply(segmentsOf(COMPLETED)), {
    updates: [
      { type: 'final', text: "Most of Jensen's letters are designed within a square." },
      { type: 'partial', text: '' },
    ],
    allCompleted: true,
  });
});

test('completed segments are final once, however often the server repeats them', () => {
  const t = new WhisperLiveTranscript();
  assert.deepEqual(t.apply(segmentsOf(TWO_DONE_ONE_OPEN)).updates, [
    {
      type: 'final',
      text: 'He hoped there would be stew for dinner, turnips and carrots and bruised potatoes',
    },
    { type: 'partial', text: 'and fat mutton pieces to be ladled out.' },
  ]);
  assert.deepEqual(t.apply(segmentsOf(SAME_AGAIN)), {
    updates: [{ type: 'partial', text: 'and fat mutton pieces to be ladled out and thick.' }],
    allCompleted: false,
  });
});
