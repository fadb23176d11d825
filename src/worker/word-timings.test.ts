import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateWordTimings } from './word-timings.js';

test('word times are ordered, inside the speech spans and cover them', () => {
  const speech = [
    { startS: 1, endS: 2 },
    { startS: 5, endS: 6 },
  ];
  const words = estimateWordTimings('hello there general kenobi', speech);
  assert.equal(words.length, 4);
  assert.equal(words[0]?.start_s, 1);
  assert.equal(words[3]?.end_s, 6);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    assert.ok(w.end_s >= w.start_s);
    if (i > 0) assert.ok(w.start_s >= words[i - 1]!.end_s - 1e-9);
    assert.ok(!(w.start_s > 2 && w.start_s < 5), `word starts inside the pause: ${w.start_s}`);
  }
});

test('no text or no speech gives no words', () => {
  assert.deepEqual(estimateWordTimings('', [{ startS: 0, endS: 1 }]), []);
  assert.deepEqual(estimateWordTimings('hi', []), []);
});
