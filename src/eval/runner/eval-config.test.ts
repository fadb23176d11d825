import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVE_DEFAULTS, VoxfleetError } from '../../core/index.js';
import { EVAL_DEFAULTS, compileEvalConfig, localServeModels } from './eval-config.js';

test('defaults fill every field; the config is frozen', () => {
  const c = compileEvalConfig({ manifest: 'm.jsonl' }, {});
  assert.equal(c.target, EVAL_DEFAULTS.target);
  assert.equal(c.path, 'rest');
  assert.equal(c.numbers, 'spell');
  assert.equal(c.concurrency, 2);
  assert.equal(c.seed, 1);
  assert.equal(c.resamples, 1000);
  assert.equal(c.maxRegressionWer, undefined);
  assert.deepEqual(c.tags, []);
  assert.ok(Object.isFrozen(c));
  assert.equal(compileEvalConfig({ manifest: 'm', path: 'ws-realtime' }, {}).concurrency, 1);
  assert.equal(
    compileEvalConfig({ manifest: 'm' }, { VOXFLEET_URL: 'http://h:1' }).target,
    'http://h:1',
  );
});

test('--max-regression is in percentage points; tags are trimmed; language lower-cased', () => {
  const c = compileEvalConfig(
    { manifest: 'm', maxRegression: 0.5, tags: [' clean', '', 'noisy '], language: 'EN' },
    {},
  );
  assert.equal(c.maxRegressionWer, 0.005);
  assert.deepEqual(c.tags, ['clean', 'noisy']);
  assert.equal(c.language, 'en');
});

test('bad input names the option and the rule', () => {
  const cases: [Parameters<typeof compileEvalConfig>[0], RegExp][] = [
    [{}, /'manifest' is required/],
    [
      { manifest: 'm', path: 'grpc' },
      /'path' must be one of rest, ws, ws-realtime, engine \(got "grpc"\)/,
    ],
    [{ manifest: 'm', numbers: 'roman' }, /'numbers' must be 'spell' or 'keep'/],
    [{ manifest: 'm', target: 'localhost:8080' }, /'target' must be an http\(s\) URL or 'local'/],
    [{ manifest: 'm', concurrency: 0 }, /'concurrency' must be an integer >= 1 \(got 0\)/],
    [{ manifest: 'm', limit: 1.5 }, /'limit' must be an integer >= 1/],
    [{ manifest: 'm', seed: -1 }, /'seed'/],
    [{ manifest: 'm', resamples: 10 }, /'resamples' must be an integer from 100/],
    [{ manifest: 'm', maxRegression: Number.NaN }, /'max_regression' must be a number >= 0/],
    [{ manifest: 'm', frameMs: 5 }, /'frame_ms'/],
  ];
  for (const [options, message] of cases) {
    assert.throws(
      () => compileEvalConfig(options, {}),
      (err: unknown) =>
        err instanceof VoxfleetError &&
        err.code === 'INVALID_ARGUMENT' &&
        message.test(err.message),
      String(message),
    );
  }
});

test('--target local loads what the run needs: the serve defaults, or the named models + VAD', () => {
  const plain = compileEvalConfig({ manifest: 'm', target: 'local' }, {});
  assert.deepEqual(localServeModels(plain), [...SERVE_DEFAULTS.models]);
  const named = compileEvalConfig({ manifest: 'm', target: 'local', model: 'whisper-base' }, {});
  assert.deepEqual(localServeModels(named), ['whisper-base', 'silero-vad']);
  assert.deepEqual(localServeModels(named, 'whisper-tiny.en'), [
    'whisper-base',
    'whisper-tiny.en',
    'silero-vad',
  ]);
  assert.deepEqual(localServeModels(plain, 'whisper-base'), [
    'whisper-tiny.en',
    'whisper-base',
    'silero-vad',
  ]);
});

test('--path engine runs here: target local, a server URL refused; --timeout-s > 0 seconds', () => {
  const engine = compileEvalConfig(
    { manifest: 'm', path: 'engine' },
    { VOXFLEET_URL: 'http://h:1' },
  );
  assert.equal(engine.target, 'local');
  assert.equal(engine.concurrency, 2);
  assert.equal(engine.timeoutS, undefined);
  assert.equal(
    compileEvalConfig({ manifest: 'm', path: 'engine', target: 'local' }, {}).target,
    'local',
  );
  assert.equal(compileEvalConfig({ manifest: 'm', timeoutS: 2.5 }, {}).timeoutS, 2.5);
  const refused: [Parameters<typeof compileEvalConfig>[0], RegExp][] = [
    [
      { manifest: 'm', path: 'engine', target: 'http://h:1' },
      /'target' must be 'local' \(or absent\) with --path engine \(got "http:\/\/h:1"\)/,
    ],
    [{ manifest: 'm', timeoutS: 0 }, /'timeout_s' must be a number of seconds > 0 \(got 0\)/],
    [{ manifest: 'm', timeoutS: Number.NaN }, /'timeout_s'/],
  ];
  for (const [options, message] of refused) {
    assert.throws(
      () => compileEvalConfig(options, {}),
      (err: unknown) =>
        err instanceof VoxfleetError &&
        err.code === 'INVALID_ARGUMENT' &&
        message.test(err.message),
      String(message),
    );
  }
});
