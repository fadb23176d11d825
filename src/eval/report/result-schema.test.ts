import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../../core/index.js';
import { compareResults } from '../compare/compare-results.js';
import { fixtureResult } from '../testing/eval-fixtures.js';
import { parseEvalResult, parseEvalResultJson } from './result-schema.js';
import { EVAL_RESULT_SCHEMA, EVAL_RESULT_VERSION } from './result-types.js';

const result = fixtureResult([
  { id: 'a', ref: 'ten of clubs', hyp: '10 of clubs', tags: ['digits'], firstPartialMs: 420.5 },
  { id: 'b', ref: 'x', hyp: '', error: { code: 'OVER_CAPACITY', message: 'busy' } },
]);
const withComparison = {
  ...result,
  comparison: compareResults(result, result, {
    baseline: { kind: 'model', source: 'whisper-base' },
    numbers: 'spell',
    seed: 1,
    resamples: 100,
    maxRegressionWer: 0.005,
    minGateUtterances: 5,
  }),
};

function rejects(value: unknown, field: RegExp): void {
  assert.throws(
    () => parseEvalResult(value, 'old/result.json'),
    (err: unknown) => {
      assert.ok(err instanceof VoxfleetError);
      assert.equal(err.code, 'INVALID_ARGUMENT');
      assert.match(err.message, /^old\/result\.json: /);
      assert.match(err.details.field ?? '', field);
      return true;
    },
  );
}

test('result.json round-trips through JSON and validation unchanged', () => {
  for (const r of [result, withComparison]) {
    const text = JSON.stringify(r, null, 1);
    assert.deepEqual(parseEvalResultJson(text), JSON.parse(text));
  }
  assert.equal(result.schema, EVAL_RESULT_SCHEMA);
  assert.equal(result.schemaVersion, EVAL_RESULT_VERSION);
});

test('a wrong schema or version is refused', () => {
  rejects({ ...result, schema: 'something.else' }, /^schema$/);
  rejects({ ...result, schemaVersion: 2 }, /^schemaVersion$/);
});

test('a missing or mistyped field is refused, naming the field', () => {
  const json = JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
  const utterances = json.utterances as Record<string, unknown>[];
  rejects({ ...json, utterances: [{ ...utterances[0], hyp: 42 }] }, /^utterances\[0\]\.hyp$/);
  rejects({ ...json, scores: { spell: [] } }, /^scores\.keep$/);
  const noSummary = { ...json };
  delete noSummary.summary;
  rejects(noSummary, /^summary$/);
  rejects('not an object', /^result$/);
});

test('text that is not JSON is refused', () => {
  assert.throws(
    () => parseEvalResultJson('{"schema":', 'r.json'),
    (err: unknown) =>
      err instanceof VoxfleetError &&
      err.code === 'INVALID_ARGUMENT' &&
      /r\.json: not valid JSON/.test(err.message),
  );
});

test('timeouts are counted; files from before deadlines existed read with timeoutS null, timedOut 0', () => {
  const timed = fixtureResult([
    { id: 'a', ref: 'x', hyp: 'x' },
    { id: 'b', ref: 'y', hyp: '', error: { code: 'REQUEST_TIMEOUT', message: 'no answer' } },
    { id: 'c', ref: 'z', hyp: '', error: { code: 'OVER_CAPACITY', message: 'busy' } },
  ]);
  assert.equal(timed.summary.failed, 2);
  assert.equal(timed.summary.timedOut, 1);
  const oldConfig: Record<string, unknown> = { ...timed.config };
  const oldSummary: Record<string, unknown> = { ...timed.summary };
  delete oldConfig.timeoutS;
  delete oldSummary.timedOut;
  const old = parseEvalResult({ ...timed, config: oldConfig, summary: oldSummary });
  assert.equal(old.config.timeoutS, null);
  assert.equal(old.summary.timedOut, 0);
  rejects({ ...timed, config: { ...timed.config, timeoutS: -1 } }, /^config\.timeoutS$/);
  rejects({ ...timed, config: { ...timed.config, path: 'grpc' } }, /^config\.path$/);
});
