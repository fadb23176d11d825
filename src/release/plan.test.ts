import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import { parsePlan } from './plan.js';
import { samplePlan } from './testing/sample-plan.js';

const fieldOf = (raw: unknown): string | undefined => {
  try {
    parsePlan(raw);
  } catch (err) {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err.details.field;
  }
  return undefined;
};

test('a well-formed plan parses with defaults filled in', () => {
  const plan = samplePlan();
  assert.equal(plan.steps.length, 5);
  assert.equal(plan.onGateFailure, 'rollback');
  assert.equal(plan.openStreamsOnRollback, 'finish');
  assert.equal(plan.steps[0]?.gates[0]?.compare, 'value');
  assert.deepEqual(plan.steps[4]?.minSample, { sessions: 0, audioMinutes: 0 });
});

test('bad plans name the field that is wrong', () => {
  const base = samplePlan();
  assert.equal(fieldOf({ ...base, candidate: 'whisper-base' }), 'plan.candidate');
  assert.equal(fieldOf({ ...base, candidate: base.baseline }), 'plan.candidate');
  assert.equal(fieldOf({ ...base, steps: [] }), 'plan.steps');
  const step = base.steps[0]!;
  assert.equal(
    fieldOf({ ...base, steps: [{ ...step, selector: { percent: 101 } }] }),
    'plan.steps.0.selector.percent',
  );
  assert.equal(
    fieldOf({ ...base, steps: [{ ...step, gates: [{ metric: 'vibes', max: 1 }] }] }),
    'plan.steps.0.gates.0.metric',
  );
  assert.equal(
    fieldOf({ ...base, steps: [{ ...step, minDurationS: 10, maxDurationS: 5 }] }),
    'plan.steps.0.maxDurationS',
  );
  assert.equal(fieldOf({ ...base, steps: [step, step] }), 'plan.steps');
  assert.equal(fieldOf({ ...base, surprise: true }), 'plan');
});
