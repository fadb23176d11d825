import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock, VoxfleetError } from '../core/index.js';
import { loadBuiltinCatalog } from './catalog.js';
import {
  compilePullOptions,
  DEFAULT_REGISTRY_URL,
  fileUrl,
  isRetryableDownloadError,
  PULL_DEFAULTS,
  retryDelayFor,
} from './pull-options.js';

const clock = new ManualClock();

test('defaults come from the table; the registry URL falls back to env, then the placeholder', () => {
  const none = compilePullOptions({}, {}, clock);
  assert.equal(none.registryUrl, DEFAULT_REGISTRY_URL);
  assert.equal(none.mirrorDir, undefined);
  assert.equal(none.idleTimeoutMs, PULL_DEFAULTS.idleTimeoutMs);
  assert.ok(Object.isFrozen(none));
  const fromEnv = compilePullOptions(
    {},
    { VOXFLEET_REGISTRY_URL: 'https://models.example.com/base/' },
    clock,
  );
  assert.equal(fromEnv.registryUrl, 'https://models.example.com/base');
  const explicit = compilePullOptions(
    { registryUrl: 'http://10.0.0.1:8080' },
    { VOXFLEET_REGISTRY_URL: 'https://x.example' },
    clock,
  );
  assert.equal(explicit.registryUrl, 'http://10.0.0.1:8080');
});

test('bad options are INVALID_ARGUMENT naming the option', () => {
  const cases: [Parameters<typeof compilePullOptions>[0], Record<string, string>, string][] = [
    [{ registryUrl: 'ftp://x' }, {}, 'registryUrl'],
    [{}, { VOXFLEET_REGISTRY_URL: 'not a url' }, 'VOXFLEET_REGISTRY_URL'],
    [{ mirrorDir: '/nonexistent/voxfleet-mirror' }, {}, 'mirrorDir'],
    [{}, { VOXFLEET_MODEL_MIRROR: '/nonexistent/voxfleet-mirror' }, 'VOXFLEET_MODEL_MIRROR'],
    [{ idleTimeoutMs: 0 }, {}, 'idleTimeoutMs'],
    [{ maxAttemptsPerFile: 1.5 }, {}, 'maxAttemptsPerFile'],
  ];
  for (const [options, env, field] of cases) {
    assert.throws(
      () => compilePullOptions(options, env, clock),
      (err: unknown) =>
        err instanceof VoxfleetError &&
        err.code === 'INVALID_ARGUMENT' &&
        err.details.field === field,
      field,
    );
  }
});

test('file URLs are <registry>/<name>/<version>/<path>, segment-encoded', () => {
  const piper = loadBuiltinCatalog().get('piper-en-us-joe-medium');
  const file = piper.files.find((f) => f.path === 'espeak-ng-data/lang/gmw/en-US')!;
  assert.equal(
    fileUrl('https://m.example/', piper, file),
    'https://m.example/piper-en-us-joe-medium/1.0.0/espeak-ng-data/lang/gmw/en-US',
  );
  assert.equal(
    fileUrl('https://m.example', piper, { ...file, path: 'a b/c#d' }),
    'https://m.example/piper-en-us-joe-medium/1.0.0/a%20b/c%23d',
  );
  assert.equal(
    fileUrl('https://m.example', piper, { ...file, url: 'https://cdn.example/x' }),
    'https://cdn.example/x',
  );
});

test('retry policy: exponential capped delays; network and 5xx retry, 4xx and mismatches do not', () => {
  const cfg = { retryBaseDelayMs: 1000, retryMaxDelayMs: 5000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => retryDelayFor(a, cfg)),
    [1000, 2000, 4000, 5000, 5000],
  );
  const failed = (httpStatus?: number): VoxfleetError =>
    new VoxfleetError(
      'MODEL_DOWNLOAD_FAILED',
      'x',
      {},
      httpStatus === undefined ? {} : { cause: { httpStatus } },
    );
  assert.equal(isRetryableDownloadError(failed()), true);
  assert.equal(isRetryableDownloadError(failed(503)), true);
  assert.equal(isRetryableDownloadError(failed(429)), true);
  assert.equal(isRetryableDownloadError(failed(404)), false);
  assert.equal(isRetryableDownloadError(new VoxfleetError('MODEL_HASH_MISMATCH', 'x')), false);
  assert.equal(isRetryableDownloadError(new Error('x')), false);
});
