import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapLimited } from './map-limited.js';

test('keeps order, never exceeds the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimited([5, 1, 4, 2, 3], 2, async (n) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(peak, 2);
});

test('the first failure stops further calls', async () => {
  const called: number[] = [];
  await assert.rejects(
    mapLimited([1, 2, 3, 4, 5], 1, async (n) => {
      called.push(n);
      if (n === 2) throw new Error('boom');
      return n;
    }),
    /boom/,
  );
  assert.deepEqual(called, [1, 2]);
});

test('an empty list gives an empty result', async () => {
  assert.deepEqual(await mapLimited([], 3, async () => 1), []);
});
