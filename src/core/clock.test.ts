import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './clock.js';

test('ManualClock fires timers in due order and only when advanced', () => {
  const clock = new ManualClock(1000);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('b'), 200);
  clock.setTimeout(() => fired.push('a'), 100);
  const cancelled = clock.setTimeout(() => fired.push('never'), 150);
  cancelled.cancel();
  clock.advance(99);
  assert.deepEqual(fired, []);
  clock.advance(1);
  assert.deepEqual(fired, ['a']);
  clock.advance(500);
  assert.deepEqual(fired, ['a', 'b']);
  assert.equal(clock.now(), 1600);
  assert.equal(clock.pendingTimers(), 0);
});

test('ManualClock intervals repeat until cancelled', () => {
  const clock = new ManualClock();
  let n = 0;
  const h = clock.setInterval(() => n++, 50);
  clock.advance(175);
  assert.equal(n, 3);
  h.cancel();
  clock.advance(500);
  assert.equal(n, 3);
});
