import { test } from 'node:test';
import assert from 'node:assert/strict';
import { versionsForRegion } from './region-versions.js';
import { initialState, promote, rollback, start } from './rollout.js';
import { samplePlan } from './testing/sample-plan.js';

const plan = samplePlan(); // us-west shadow, canary, full; then eu-west; then everywhere
const TINY = 'whisper-tiny.en@1.0.0';
const BASE = 'whisper-base@1.0.0';

test('a running rollout asks every region it reaches for both versions; nothing before or after a rollback', () => {
  const pending = initialState(plan);
  const running = start(plan, pending, 0, 'ops');
  assert.deepEqual(versionsForRegion([{ plan, state: pending }], 'us-west'), []);
  assert.deepEqual(versionsForRegion([{ plan, state: running }], 'us-west').sort(), [BASE, TINY]);
  // The last step reaches every region: ap-south syncs from the start, before it is reached.
  assert.deepEqual(versionsForRegion([{ plan, state: running }], 'ap-south').sort(), [BASE, TINY]);
  const back = rollback(running, 1, 'ops', 'bad');
  assert.deepEqual(versionsForRegion([{ plan, state: back }], 'us-west'), []);
});

test('a plan that never reaches a region asks nothing of it; a completed one keeps only what callers get', () => {
  const westOnly = samplePlan({ steps: [plan.steps[0]] });
  const running = start(westOnly, initialState(westOnly), 0, 'ops');
  assert.deepEqual(versionsForRegion([{ plan: westOnly, state: running }], 'eu-west'), []);
  const done = promote(plan, start(plan, initialState(plan), 0, 'ops'), 1, 'ops');
  assert.deepEqual(versionsForRegion([{ plan, state: done }], 'eu-west'), [BASE]);
  const holding = samplePlan({ holdBack: ['latency'] });
  const held = promote(holding, start(holding, initialState(holding), 0, 'ops'), 1, 'ops');
  assert.deepEqual(versionsForRegion([{ plan: holding, state: held }], 'eu-west').sort(), [
    BASE,
    TINY,
  ]);
});
