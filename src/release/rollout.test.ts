import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import { evaluate, initialState, pause, promote, resume, rollback, start } from './rollout.js';
import { HEALTHY_EVIDENCE, samplePlan } from './testing/sample-plan.js';

const HOUR = 3_600_000;
const good = HEALTHY_EVIDENCE;

test('a healthy rollout walks every step to completion, each decision in the audit log', () => {
  const plan = samplePlan();
  let s = start(plan, initialState(plan), 0, 'alice');
  let now = 0;
  for (let i = 0; i < 20 && s.status === 'running'; i++) {
    now += HOUR;
    s = evaluate(plan, s, now, good);
  }
  assert.equal(s.status, 'completed');
  assert.deepEqual(
    s.audit.map((e) => `${e.action}${e.step ? ':' + e.step : ''}`),
    [
      'start',
      'step_entered:shadow-us-west',
      'step_passed:shadow-us-west',
      'step_entered:canary-us-west',
      'step_passed:canary-us-west',
      'step_entered:full-us-west',
      'step_passed:full-us-west',
      'step_entered:full-eu-west',
      'step_passed:full-eu-west',
      'step_entered:everywhere',
      'step_passed:everywhere',
      'complete',
    ],
  );
  assert.equal(s.audit[0]?.actor, 'alice');
  assert.equal(s.audit[2]?.actor, 'controller');
  assert.ok(s.audit[2]?.gates?.every((g) => g.passed));
});

test('waiting changes nothing (same revision: nothing to store)', () => {
  const plan = samplePlan();
  const s = start(plan, initialState(plan), 0, 'alice');
  assert.equal(evaluate(plan, s, 1000, good), s);
});

test('a failed gate rolls back with the gate values recorded; or pauses if the plan says so', () => {
  const plan = samplePlan();
  const bad = { ...good, candidate: { ...good.candidate, word_disagreement: 0.5 } };
  const s = evaluate(plan, start(plan, initialState(plan), 0, 'alice'), 60_000, bad);
  assert.equal(s.status, 'rolled_back');
  const failed = s.audit.find((e) => e.action === 'gate_failed');
  assert.equal(failed?.gates?.find((g) => g.metric === 'word_disagreement')?.value, 0.5);
  const pausing = samplePlan({ onGateFailure: 'pause' });
  const p = evaluate(pausing, start(pausing, initialState(pausing), 0, 'a'), 60_000, bad);
  assert.equal(p.status, 'paused');
});

test('operators pause, resume (the step clock restarts), promote and roll back; illegal moves are refused', () => {
  const plan = samplePlan();
  let s = start(plan, initialState(plan), 0, 'alice');
  s = pause(s, 1000, 'bob', 'looking at a slice');
  assert.throws(() => pause(s, 1001, 'bob', 'again'), VoxfleetError);
  assert.equal(evaluate(plan, s, 10 * HOUR, good), s, 'a paused rollout is not judged');
  s = resume(s, 5000, 'bob');
  assert.equal(s.stepStartedMs, 5000);
  assert.equal(evaluate(plan, s, 5000 + 599_000, good).stepIndex, 0, 'the step clock restarted');
  const promoted = promote(plan, s, 6000, 'carol');
  assert.equal(promoted.status, 'completed');
  const back = rollback(promoted, 7000, 'dave', 'customer report');
  assert.equal(back.status, 'rolled_back');
  assert.throws(() => rollback(back, 8000, 'dave', 'twice'), VoxfleetError);
  assert.throws(() => start(plan, back, 9000, 'erin'), VoxfleetError);
  assert.ok(back.revision > promoted.revision && promoted.revision > s.revision);
});
