import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../../core/index.js';
import { fiveWordUtterances, fixtureResult } from '../testing/eval-fixtures.js';
import { compareResults } from './compare-results.js';

const base = {
  baseline: { kind: 'result' as const, source: '/runs/old/result.json' },
  numbers: 'spell' as const,
  seed: 1,
  resamples: 1000,
  minGateUtterances: 5,
};

const perfect = fixtureResult(fiveWordUtterances(30, () => 'the quick brown fox jumps'));

test('a run compared with itself: every delta and interval is exactly 0, gate passes', () => {
  const c = compareResults(perfect, perfect, { ...base, maxRegressionWer: 0 });
  assert.equal(c.pairedUtterances, 30);
  assert.deepEqual(
    c.slices.map((s) => s.slice),
    ['all', 'even', 'odd', 'read'],
  );
  for (const s of c.slices) {
    assert.equal(s.delta, 0);
    assert.equal(s.ciLow, 0);
    assert.equal(s.ciHigh, 0);
  }
  assert.equal(c.gate.failed, false);
  assert.deepEqual(c.gate.regressedSlices, []);
  assert.deepEqual(c.warnings, []);
});

test('a candidate that breaks one slice: that slice is the worst and fails the gate', () => {
  // Odd utterances lose a word (1 error in 5); even ones stay perfect.
  const worse = fixtureResult(
    fiveWordUtterances(30, (i) =>
      i % 2 === 1 ? 'the quick brown fox' : 'the quick brown fox jumps',
    ),
  );
  const c = compareResults(worse, perfect, { ...base, maxRegressionWer: 0.05 });
  const odd = c.slices.find((s) => s.slice === 'odd')!;
  assert.equal(odd.baselineWer, 0);
  assert.equal(odd.candidateWer, 0.2);
  assert.ok(Math.abs(odd.delta - 0.2) < 1e-12);
  assert.ok(odd.ciLow > 0.05);
  const even = c.slices.find((s) => s.slice === 'even')!;
  assert.equal(even.delta, 0);
  assert.equal(c.gate.worstSlice, 'odd');
  assert.equal(c.gate.failed, true);
  assert.ok(c.gate.regressedSlices.includes('odd'));
  assert.ok(!c.gate.regressedSlices.includes('even'));
  // Without a threshold the same data reports the worst slice but never fails.
  const ungated = compareResults(worse, perfect, { ...base, maxRegressionWer: undefined });
  assert.equal(ungated.gate.worstSlice, 'odd');
  assert.equal(ungated.gate.maxRegression, null);
  assert.equal(ungated.gate.failed, false);
});

test('slices smaller than minGateUtterances are shown but not gated; all always is', () => {
  const tiny = fixtureResult([
    { id: 'a', ref: 'one two three', hyp: 'one two three', tags: ['rare'] },
    { id: 'b', ref: 'four five six', hyp: 'four five six' },
  ]);
  const broken = fixtureResult([
    { id: 'a', ref: 'one two three', hyp: 'one', tags: ['rare'] },
    { id: 'b', ref: 'four five six', hyp: 'four five six' },
  ]);
  const c = compareResults(broken, tiny, { ...base, maxRegressionWer: 0.5 });
  assert.equal(c.slices.find((s) => s.slice === 'rare')!.gated, false);
  assert.equal(c.slices.find((s) => s.slice === 'all')!.gated, true);
  assert.equal(c.gate.worstSlice, 'all');
  assert.equal(c.gate.failed, false);
  const strict = compareResults(broken, tiny, {
    ...base,
    maxRegressionWer: 0.5,
    minGateUtterances: 1,
  });
  assert.equal(strict.gate.worstSlice, 'rare');
  assert.equal(strict.gate.failed, true);
});

test("the baseline is re-scored against this run's references and normalisation", () => {
  // The baseline wrote digits; with numbers spelled out they match the reference.
  const candidate = fixtureResult([{ id: 'a', ref: 'ten of clubs', hyp: 'ten of clubs' }]);
  const baseline = fixtureResult([{ id: 'a', ref: 'TEN of clubs.', hyp: '10 of clubs' }], {
    numbers: 'keep',
  });
  const spelled = compareResults(candidate, baseline, { ...base, maxRegressionWer: undefined });
  assert.equal(spelled.slices[0]!.delta, 0);
  assert.deepEqual(spelled.warnings, []);
  const kept = compareResults(candidate, baseline, {
    ...base,
    numbers: 'keep',
    maxRegressionWer: undefined,
  });
  assert.ok(Math.abs(kept.slices[0]!.delta + 1 / 3) < 1e-12);
});

test('unpaired and failed utterances are left out and reported', () => {
  const candidate = fixtureResult([
    { id: 'a', ref: 'x y', hyp: 'x y' },
    { id: 'b', ref: 'x y', hyp: 'x y' },
    { id: 'c', ref: 'x y', hyp: '', error: { code: 'OVER_CAPACITY', message: 'busy' } },
  ]);
  const baseline = fixtureResult([
    { id: 'a', ref: 'x y', hyp: 'x' },
    { id: 'z', ref: 'p q', hyp: 'p q' },
  ]);
  const c = compareResults(candidate, baseline, { ...base, maxRegressionWer: undefined });
  assert.equal(c.pairedUtterances, 1);
  assert.equal(c.warnings.length, 2);
  assert.match(c.warnings[0]!, /1 utterance\(s\) of this run are missing/);
  assert.match(c.warnings[1]!, /1 baseline utterance\(s\) are not in this run/);
  assert.throws(
    () =>
      compareResults(candidate, fixtureResult([{ id: 'q', ref: 'a', hyp: 'a' }]), {
        ...base,
        maxRegressionWer: undefined,
      }),
    (err: unknown) => err instanceof VoxfleetError && err.code === 'INVALID_ARGUMENT',
  );
});
