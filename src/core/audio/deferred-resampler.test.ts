// Runs in its own process (node --test isolates files), so the shared converter starts unloaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoxfleetError } from '../errors.js';
import { DeferredResampler, concat } from './deferred-resampler.js';
import { expectedOutputLength } from './resampler.js';
import { loadSincKernel, loadedSincKernel } from './sinc-kernel.js';
import { sine } from './testing/signals.js';

test('input pushed before the converter loads is held, then converted in order', async () => {
  assert.equal(loadedSincKernel(), undefined, 'precondition: a fresh process');
  const early = new DeferredResampler(22050, 24000);
  const held = new DeferredResampler(22050, 24000);
  const input = sine(1000, 22050, 0.5);
  const first = input.subarray(0, 5000);
  assert.equal(early.push(first).length, 0);
  assert.equal(held.push(first).length, 0);
  // Ending synchronously, before the converter could load, is refused rather than losing audio.
  assert.throws(
    () => early.end(),
    (err: unknown) => err instanceof VoxfleetError && err.code === 'NOT_READY',
  );

  await loadSincKernel();
  const out = concat([held.push(input.subarray(5000)), held.end()]);
  assert.equal(out.length, expectedOutputLength(input.length, 22050, 24000));
  const oneShot = new DeferredResampler(22050, 24000);
  const reference = concat([oneShot.push(input), oneShot.end()]);
  assert.deepEqual(out, reference);
});
