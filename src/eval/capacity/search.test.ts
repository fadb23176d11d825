import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadPoints, searchMaxStreams, type StepResult } from './search.js';

/** A fake step: passes up to `boundary` streams, and counts the calls. */
function monotone(boundary: number): {
  runStep: (n: number) => Promise<StepResult>;
  calls: number[];
} {
  const calls: number[] = [];
  return {
    calls,
    runStep: (n) => {
      calls.push(n);
      return Promise.resolve(n <= boundary ? { pass: true } : { pass: false, reason: 'slow' });
    },
  };
}

test('a monotone boundary is found exactly, in O(log) steps, never repeating a count', async () => {
  for (const cap of [1, 2, 3, 7, 64, 100]) {
    for (let boundary = 1; boundary < cap; boundary++) {
      const fake = monotone(boundary);
      const r = await searchMaxStreams(fake.runStep, { maxStreams: cap });
      assert.equal(r.maxStreams, boundary, `cap ${cap} boundary ${boundary}`);
      assert.equal(r.outcome, 'found');
      assert.ok(fake.calls.length <= 2 * Math.ceil(Math.log2(cap)) + 2, `${fake.calls.length}`);
      assert.equal(new Set(fake.calls).size, fake.calls.length);
      assert.ok(fake.calls.every((n) => n >= 1 && n <= cap));
    }
  }
});

test('grows 1, 2, 4, 8, then bisects between the last pass and the first fail', async () => {
  const fake = monotone(11);
  const r = await searchMaxStreams(fake.runStep, { maxStreams: 64 });
  assert.deepEqual(fake.calls, [1, 2, 4, 8, 16, 12, 10, 11]);
  assert.deepEqual(
    r.steps.map((s) => [s.streams, s.result.pass]),
    fake.calls.map((n) => [n, n <= 11]),
  );
});

test('all fail: 0 streams, outcome none, after one step', async () => {
  const fake = monotone(0);
  const r = await searchMaxStreams(fake.runStep, { maxStreams: 64 });
  assert.equal(r.maxStreams, 0);
  assert.equal(r.outcome, 'none');
  assert.deepEqual(fake.calls, [1]);
  assert.equal(r.steps[0]?.result.reason, 'slow');
});

test('all pass: capped at maxStreams, the last growth step clamped to it', async () => {
  const fake = monotone(Infinity);
  const r = await searchMaxStreams(fake.runStep, { maxStreams: 20 });
  assert.equal(r.maxStreams, 20);
  assert.equal(r.outcome, 'capped');
  assert.deepEqual(fake.calls, [1, 2, 4, 8, 16, 20]);
});

test('a noisy, non-monotone step still terminates within the bound, at a passing count', async () => {
  for (let seed = 1; seed <= 50; seed++) {
    let state = seed;
    const calls: number[] = [];
    const noisy = (n: number): Promise<StepResult> => {
      calls.push(n);
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return Promise.resolve({ pass: state % 3 !== 0 });
    };
    const r = await searchMaxStreams(noisy, { maxStreams: 64 });
    assert.ok(calls.length <= 2 * 6 + 2, `seed ${seed}: ${calls.length} steps`);
    assert.equal(new Set(calls).size, calls.length);
    if (r.maxStreams > 0)
      assert.ok(r.steps.some((s) => s.streams === r.maxStreams && s.result.pass));
  }
});

test('onStep is told every step in order; a bad bound is refused', async () => {
  const seen: number[] = [];
  await searchMaxStreams(monotone(3).runStep, { maxStreams: 8, onStep: (n) => seen.push(n) });
  assert.deepEqual(seen, [1, 2, 4, 3]);
  await assert.rejects(searchMaxStreams(monotone(3).runStep, { maxStreams: 0 }), RangeError);
});

test('load points: 25/50/75/100 % rounded half up, at least 1, none for 0', () => {
  const streams = (max: number): number[] => loadPoints(max).map((p) => p.streams);
  assert.deepEqual(streams(0), []);
  assert.deepEqual(streams(1), [1, 1, 1, 1]);
  assert.deepEqual(streams(2), [1, 1, 2, 2]);
  assert.deepEqual(streams(6), [2, 3, 5, 6]);
  assert.deepEqual(streams(10), [3, 5, 8, 10]);
  assert.deepEqual(streams(64), [16, 32, 48, 64]);
  assert.deepEqual(
    loadPoints(4).map((p) => p.percent),
    [25, 50, 75, 100],
  );
});
