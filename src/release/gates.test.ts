import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGate, judgeStep, type StepEvidence } from './gates.js';
import { samplePlan } from './testing/sample-plan.js';

const plan = samplePlan();
const shadow = plan.steps[0]!;
const canary = plan.steps[1]!;
const enough = { sessions: 60, audioMinutes: 40 };

test('value, delta and ratio gates compare what they say', () => {
  const ev: StepEvidence = {
    ...enough,
    candidate: { final_p95_ms: 660, empty_final_rate: 0.05, word_disagreement: 0.1 },
    baseline: { final_p95_ms: 600, empty_final_rate: 0.02 },
  };
  assert.deepEqual(evaluateGate({ metric: 'final_p95_ms', compare: 'ratio', max: 1.1 }, ev), {
    metric: 'final_p95_ms',
    compare: 'ratio',
    value: 1.1,
    max: 1.1,
    passed: true,
  });
  const delta = evaluateGate({ metric: 'empty_final_rate', compare: 'delta', max: 0.02 }, ev);
  assert.ok(Math.abs((delta.value ?? 0) - 0.03) < 1e-9);
  assert.equal(delta.passed, false);
  assert.equal(evaluateGate({ metric: 'rtf_p95', compare: 'value', max: 1 }, ev).value, undefined);
});

test('a step waits for its minimum duration and sample, then passes', () => {
  const good: StepEvidence = {
    ...enough,
    candidate: { word_disagreement: 0.08, empty_final_rate: 0.01 },
    baseline: { empty_final_rate: 0.01 },
  };
  assert.equal(judgeStep(shadow, 599, good).kind, 'wait');
  assert.equal(judgeStep(shadow, 700, { ...good, sessions: 49 }).kind, 'wait');
  const verdict = judgeStep(shadow, 600, good);
  assert.equal(verdict.kind, 'pass');
  assert.equal(verdict.kind === 'pass' && verdict.gates.every((g) => g.passed), true);
});

test('a regression fails the step as soon as the sample is there, without waiting the duration', () => {
  const bad: StepEvidence = {
    ...enough,
    candidate: { word_disagreement: 0.4, empty_final_rate: 0.01 },
    baseline: { empty_final_rate: 0.01 },
  };
  const verdict = judgeStep(shadow, 30, bad);
  assert.equal(verdict.kind, 'fail');
  assert.match(verdict.kind === 'fail' ? verdict.reason : '', /word_disagreement/);
  // ...but one bad session is not a sample.
  assert.equal(judgeStep(shadow, 30, { ...bad, sessions: 1 }).kind, 'wait');
});

test('a gate that never sees data, or too little evidence, fails at maxDurationS', () => {
  const none: StepEvidence = { ...enough, candidate: {}, baseline: {} };
  assert.equal(judgeStep(canary, 14_399, none).kind, 'wait');
  const late = judgeStep(canary, 14_400, none);
  assert.equal(late.kind, 'fail');
  assert.match(late.kind === 'fail' ? late.reason : '', /no data for final_p95_ms/);
  const thin = judgeStep(canary, 14_400, { ...none, sessions: 3 });
  assert.match(thin.kind === 'fail' ? thin.reason : '', /too little evidence/);
});
