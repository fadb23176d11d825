import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamEvent } from '../../core/index.js';
import { StreamContinuity } from './stream-continuity.js';

const partial = (text: string, stable: string): StreamEvent => ({
  type: 'partial',
  text,
  stable_text: stable,
  start_s: 1,
});

test('after a failover: no second ready, no second speech_started for the same utterance', () => {
  const c = new StreamContinuity();
  const ready: StreamEvent = { type: 'ready', session_id: 's', model: 'm', model_version: '1' };
  assert.deepEqual(c.pass(ready, false), ready);
  assert.equal(c.pass(ready, true), undefined);
  assert.ok(c.pass({ type: 'speech_started', start_s: 1 }, false));
  assert.equal(c.pass({ type: 'speech_started', start_s: 1 }, true), undefined);
  c.pass({ type: 'utterance_end', end_s: 2 }, true);
  assert.ok(c.pass({ type: 'speech_started', start_s: 3 }, true), 'the next utterance starts');
});

test('stable_text never shrinks within an utterance; a partial that disagrees is held back', () => {
  const c = new StreamContinuity();
  assert.deepEqual(
    c.pass(partial('ask not what', 'ask not'), false),
    partial('ask not what', 'ask not'),
  );
  // The new worker's first decode has a shorter stable prefix: the client keeps its own.
  assert.deepEqual(
    c.pass(partial('ask not what your', 'ask'), true),
    partial('ask not what your', 'ask not'),
  );
  // One that contradicts the stable words is dropped.
  assert.equal(c.pass(partial('ask knot what', 'ask'), true), undefined);
  assert.deepEqual(
    c.pass(partial('ask not what your country', 'ask not what'), true),
    partial('ask not what your country', 'ask not what'),
  );
  // A final ends the utterance: the next one starts from nothing.
  c.pass({ type: 'final', text: 'x', start_s: 0, end_s: 1, words: [], language: 'en' }, true);
  assert.deepEqual(c.pass(partial('and so', ''), true), partial('and so', ''));
});

test("the next utterance's start arriving before the last one's final keeps it open", () => {
  const c = new StreamContinuity();
  c.pass({ type: 'speech_started', start_s: 1 }, false);
  assert.ok(c.inUtterance);
  // Utterance 2 starts while utterance 1's final is still being decoded.
  c.pass({ type: 'speech_started', start_s: 4 }, false);
  c.pass({ type: 'final', text: 'one', start_s: 1, end_s: 3, words: [], language: 'en' }, false);
  c.pass({ type: 'utterance_end', end_s: 3 }, false);
  assert.ok(c.inUtterance, 'utterance 2 is still open');
  c.pass({ type: 'final', text: 'two', start_s: 4, end_s: 6, words: [], language: 'en' }, false);
  assert.equal(c.inUtterance, false);
});
