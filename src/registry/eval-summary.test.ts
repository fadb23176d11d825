import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { compareResults } from '../eval/compare/compare-results.js';
import { fixtureResult, fiveWordUtterances } from '../eval/testing/eval-fixtures.js';
import { summarizeCapacityReport, summarizeEvalReport } from './eval-summary.js';
import { qualitySummarySchema } from './manifest-contract.js';

/** Through JSON, as the report is read back from its file. */
const asRead = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test('a result.json with a comparison gives the baseline, the worst slice and the regressed slices', () => {
  const baseline = fixtureResult(fiveWordUtterances(40, () => 'the quick brown fox jumps'));
  const candidate = fixtureResult(
    fiveWordUtterances(40, (i) =>
      i % 2 === 1 ? 'the quick brown box jumps' : 'the quick brown fox jumps',
    ),
  );
  const comparison = compareResults(candidate, baseline, {
    baseline: { kind: 'model', source: 'whisper-tiny.en' },
    numbers: 'spell',
    seed: 1,
    resamples: 200,
    maxRegressionWer: 0.01,
    minGateUtterances: 10,
  });
  const { summary, measured } = summarizeEvalReport(
    asRead({ ...candidate, comparison }),
    'eval/result.json',
  );
  assert.deepEqual(measured, ['whisper-tiny.en@1.0.0']);
  assert.ok(summary.baseline);
  assert.equal(summary.baseline.gateFailed, true);
  assert.ok(
    summary.baseline.regressedSlices.includes('odd'),
    String(summary.baseline.regressedSlices),
  );
  assert.equal(summary.baseline.worstSlice, comparison.gate.worstSlice);
  // The interval bounds the release gates compare: half the utterances lost one word in five.
  const all = comparison.slices.find((s) => s.slice === 'all')!;
  assert.equal(summary.baseline.allDelta, 0.1);
  assert.equal(summary.baseline.allCiLow, all.ciLow);
  assert.ok(all.ciLow > 0 && all.ciLow < 0.1);
  assert.equal(summary.baseline.worstCiLow, comparison.gate.worstCiLow);
  assert.equal(summary.slices.find((s) => s.slice === 'odd')?.wer, 0.2);
  // What the summariser writes is what the manifest schema accepts.
  assert.ok(qualitySummarySchema.safeParse(summary).success);
});

test('reports of another schema or version are refused, not guessed at', () => {
  const result = asRead(fixtureResult(fiveWordUtterances(2, () => 'x'))) as Record<string, unknown>;
  assert.throws(
    () => summarizeEvalReport({ ...result, schemaVersion: 2 }, 'eval/result.json'),
    (err: unknown) =>
      err instanceof VoxfleetError &&
      err.code === 'MODEL_MANIFEST_INVALID' &&
      /eval\/result\.json is not a report .* at 'schemaVersion'/.test(err.message),
  );
  assert.throws(
    () => summarizeCapacityReport(result, 'eval/capacity.json'),
    (err: unknown) => err instanceof VoxfleetError && /at 'schema'/.test(err.message),
  );
});

test("the machine's vector extensions reach the summary when the report has them", () => {
  const result = asRead(fixtureResult(fiveWordUtterances(2, () => 'x'))) as {
    machine: Record<string, unknown>;
  };
  const older = summarizeEvalReport(result, 'eval/result.json').summary;
  assert.deepEqual(older.machine, { cpuModel: 'Test CPU', cores: 2 });

  result.machine.cpuFeatures = ['avx2', 'fma'];
  const newer = summarizeEvalReport(result, 'eval/result.json').summary;
  assert.deepEqual(newer.machine, { cpuModel: 'Test CPU', cores: 2, cpuFeatures: ['avx2', 'fma'] });
  assert.ok(qualitySummarySchema.safeParse(newer).success);
});
