// The console's pure logic, run by Node (scripts/run-tests.mjs, unit): the views themselves are
// tested in Chromium by test/console-browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AudioSendClock } from '../src/live/audio-send-clock';
import { EMPTY_CAPTIONS, applyListenEvent, type CaptionState } from '../src/live/caption-state';
import type { ListenEvent } from '../src/api/wire';

/** 3 s of audio sent in 100 ms frames, frame i at 1000 + 100 i ms. */
function sentClock(): AudioSendClock {
  const clock = new AudioSendClock();
  for (let i = 0; i < 30; i++) clock.recordFrame(0.1, 1000 + 100 * i);
  return clock;
}

function run(events: readonly [ListenEvent, number][]): CaptionState {
  const clock = sentClock();
  return events.reduce((s, [e, at]) => applyListenEvent(s, e, clock, at), EMPTY_CAPTIONS);
}

const partial = (text: string, stable: string): ListenEvent => ({
  type: 'partial',
  text,
  stable_text: stable,
  start_s: 0.5,
});

test('a partial splits into the stable prefix and the rest', () => {
  const s = run([[partial('ask not what', 'ask not'), 2000]]);
  assert.equal(s.stable, 'ask not');
  assert.equal(s.unstable, ' what');
  // start_s 0.5 lies in the frame sent at 1400 ms.
  assert.equal(s.firstPartialMs, 600);
});

test('the shown stable prefix never shrinks within an utterance', () => {
  const s = run([
    [partial('ask not what', 'ask not'), 2000],
    [partial('as knot', 'as'), 2100],
  ]);
  assert.equal(s.stable, 'ask not');
  assert.equal(s.unstable, '');
});

test('a final is appended with its times, resets the open utterance and gives its latency', () => {
  const s = run([
    [partial('ask not', 'ask'), 2000],
    [
      {
        type: 'final',
        text: 'Ask not.',
        start_s: 0.5,
        end_s: 1.55,
        words: [],
        language: 'en',
      },
      3000,
    ],
  ]);
  assert.deepEqual(s.finals, [{ text: 'Ask not.', startS: 0.5, endS: 1.55, language: 'en' }]);
  assert.equal(s.utterance, 1);
  assert.equal(s.stable, '');
  // end_s 1.55 lies in the frame sent at 2500 ms.
  assert.equal(s.finalMs, 500);
});

test('audio not sent yet has no send time', () => {
  assert.equal(sentClock().sentAt(3.5), undefined);
  assert.equal(sentClock().sentAt(0), 1000);
});
