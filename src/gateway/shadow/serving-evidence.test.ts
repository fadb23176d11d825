import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { ServingEvidence } from './serving-evidence.js';
import { PCM16_STREAM_REQUEST } from '../../fabric/testing/stream-request.js';

const request = PCM16_STREAM_REQUEST;
const FRAME = 3200; // 100 ms

test('final latency counts from when the gateway received the audio that ends the words', () => {
  const clock = new ManualClock(0);
  const serving = new ServingEvidence();
  const watch = serving.watch('r', 'canary', 'candidate', request, () => clock.now());
  // 2 s of audio at real time, then the final for 0.4-1.5 s arrives 300 ms after its audio.
  for (let i = 0; i < 20; i++) {
    clock.advance(100);
    watch.audio(FRAME);
    if (i === 4) watch.event({ type: 'speech_started', start_s: 0.4 });
    if (i === 6) watch.event({ type: 'partial', text: 'hi', stable_text: '', start_s: 0.4 });
  }
  // The audio up to 1.5 s arrived at 1500 ms; the final comes at 1800 ms.
  clock.advance(-200);
  watch.event({
    type: 'final',
    text: 'hi there',
    start_s: 0.4,
    end_s: 1.5,
    words: [],
    language: 'en',
  });
  watch.event({ type: 'closed', audio_s: 2 });
  const f = serving.figures('r', 'canary');
  assert.equal(f.candidate.sessions, 1);
  assert.equal(f.candidateFigures.final_p95_ms, 300);
  assert.equal(
    f.candidateFigures.first_partial_p95_ms,
    300,
    'speech from 0.4 s (arrived at 400 ms), partial at 700 ms',
  );
  assert.equal(f.candidateFigures.error_rate, 0);
  assert.deepEqual(f.baselineFigures, {}, 'the other side has seen nothing');
});

test('a session that ends in an error counts in the error rate; each session reports once', () => {
  const clock = new ManualClock(0);
  const serving = new ServingEvidence();
  const bad = serving.watch('r', 'canary', 'baseline', request, () => clock.now());
  bad.event({ type: 'error', code: 'ENGINE_FAILED', message: 'x', retryable: true });
  bad.end();
  const good = serving.watch('r', 'canary', 'baseline', request, () => clock.now());
  good.end();
  const f = serving.figures('r', 'canary');
  assert.equal(f.baseline.sessions, 2);
  assert.equal(f.baselineFigures.error_rate, 0.5);
});

test("each stream's real-time factor comes from the worker's closed event; short or unmeasured streams give none", () => {
  const serving = new ServingEvidence();
  const closeWith = (side: 'candidate' | 'baseline', audioS: number, decodeS?: number) =>
    serving
      .watch('r', 'canary', side, request, () => 0)
      .event({
        type: 'closed',
        audio_s: audioS,
        ...(decodeS !== undefined ? { decode_s: decodeS } : {}),
      });
  closeWith('candidate', 10, 1.5);
  closeWith('candidate', 20, 2);
  closeWith('candidate', 0.5, 0.4); // fixed costs dominate under a second: not counted
  closeWith('baseline', 10); // an older worker: no decode_s
  const f = serving.figures('r', 'canary');
  assert.equal(f.candidateFigures.rtf_p95, 0.15);
  assert.equal(f.baselineFigures.rtf_p95, undefined);
  assert.equal(f.candidate.sessions, 3);
});
