import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignVersion, bucketOf, type AssignmentContext } from './assign.js';
import { initialState, pause, rollback, start, type RolloutState } from './rollout.js';
import { samplePlan } from './testing/sample-plan.js';

const plan = samplePlan();
const BASE = 'whisper-tiny.en@1.0.0';
const CAND = 'whisper-base@1.0.0';
const at = (stepIndex: number): RolloutState => ({
  ...start(plan, initialState(plan), 0, 'test'),
  stepIndex,
});
const ctx = (over: Partial<AssignmentContext> = {}): AssignmentContext => ({
  region: 'us-west',
  stickyKey: 'user-1',
  tenantRisk: 'low',
  language: 'en',
  ...over,
});

test('before the start and after a rollback everyone gets the baseline', () => {
  assert.equal(assignVersion(plan, initialState(plan), ctx()).serve, BASE);
  const back = rollback(at(3), 1, 'ops', 'test');
  assert.deepEqual(assignVersion(plan, back, ctx({ region: 'us-west' })), {
    serve: BASE,
    because: 'rolled back',
  });
});

test('shadow: users keep the baseline, the candidate decodes a copy, only in the step regions', () => {
  assert.deepEqual(assignVersion(plan, at(0), ctx()), {
    serve: BASE,
    shadow: CAND,
    because: 'step shadow-us-west',
    step: 'shadow-us-west',
  });
  assert.equal(assignVersion(plan, at(0), ctx({ region: 'eu-west' })).shadow, undefined);
});

test('canary: about 1 % of low-risk English callers in us-west, sticky per key', () => {
  let selected = 0;
  for (let i = 0; i < 20_000; i++)
    if (assignVersion(plan, at(1), ctx({ stickyKey: `user-${i}` })).serve === CAND) selected++;
  assert.ok(selected > 140 && selected < 260, `${selected} of 20000`);
  const key = [...Array(20_000).keys()]
    .map((i) => `user-${i}`)
    .find((k) => assignVersion(plan, at(1), ctx({ stickyKey: k })).serve === CAND)!;
  for (let i = 0; i < 5; i++)
    assert.equal(assignVersion(plan, at(1), ctx({ stickyKey: key })).serve, CAND);
  for (const other of [
    { tenantRisk: 'high' as const },
    { language: 'de' },
    { region: 'eu-west' },
    { durationS: 600 },
  ])
    assert.equal(
      assignVersion(plan, at(1), ctx({ stickyKey: key, ...other })).serve,
      BASE,
      JSON.stringify(other),
    );
});

test('passed full steps keep their regions while later steps run; a pause stops only the running step', () => {
  const s = at(3); // full-us-west passed, full-eu-west running
  assert.equal(assignVersion(plan, s, ctx({ region: 'us-west', tenantRisk: 'high' })).serve, CAND);
  assert.equal(assignVersion(plan, s, ctx({ region: 'eu-west' })).serve, CAND);
  assert.equal(assignVersion(plan, s, ctx({ region: 'ap-south' })).serve, BASE);
  const paused = pause(s, 1, 'ops', 'look');
  assert.equal(assignVersion(plan, paused, ctx({ region: 'us-west' })).serve, CAND);
  assert.equal(assignVersion(plan, paused, ctx({ region: 'eu-west' })).serve, BASE);
});

test('buckets are stable and spread', () => {
  assert.equal(bucketOf('abc'), bucketOf('abc'));
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10_000; i++) counts[Math.floor(bucketOf(`k${i}`) / 1000)]!++;
  for (const c of counts) assert.ok(c > 850 && c < 1150, counts.join(','));
});
