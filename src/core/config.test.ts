import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVE_DEFAULTS, compileServeConfig } from './config.js';

test('defaults fill every field; the result is frozen', () => {
  const c = compileServeConfig({}, { HOME: '/home/u' });
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.deepEqual(c.models, SERVE_DEFAULTS.models);
  assert.equal(c.uploadLimitBytes, 100 * 1024 * 1024);
  assert.equal(c.speculateAfterMs, 0, 'speculative finals start as the phrase closes');
  assert.equal(compileServeConfig({ speculateAfterMs: 300 }, {}).speculateAfterMs, 300);
  assert.ok(Object.isFrozen(c));
});

test('flags win over the environment, which wins over defaults', () => {
  const env = {
    VOXFLEET_PORT: '9000',
    VOXFLEET_HOST: '0.0.0.0',
    VOXFLEET_DATA_DIR: '/data',
    VOXFLEET_MODEL_MIRROR: '/mirror',
  };
  const fromEnv = compileServeConfig({}, env);
  assert.deepEqual(
    [fromEnv.port, fromEnv.host, fromEnv.dataDir, fromEnv.mirrorDir],
    [9000, '0.0.0.0', '/data', '/mirror'],
  );
  assert.equal(compileServeConfig({ port: 1234 }, env).port, 1234);
});

test('bad values name the option', () => {
  assert.throws(() => compileServeConfig({ port: 70000 }, {}), {
    code: 'INVALID_ARGUMENT',
    message: /'port'/,
  });
  assert.throws(() => compileServeConfig({}, { VOXFLEET_PORT: 'eighty' }), {
    message: /VOXFLEET_PORT/,
  });
  assert.throws(() => compileServeConfig({ maxStreams: 0 }, {}), { message: /'max_streams'/ });
  assert.throws(() => compileServeConfig({ speculateAfterMs: -1 }, {}), {
    message: /'speculate_after_ms'/,
  });
});

test('rollouts are off unless asked for; --releases alone keeps them in the data folder', () => {
  const env = { VOXFLEET_DATA_DIR: '/data' };
  assert.equal(compileServeConfig({}, env).releasesFile, undefined);
  assert.equal(compileServeConfig({ releases: true }, env).releasesFile, '/data/releases.json');
  assert.equal(
    compileServeConfig({ releases: '/etc/vf/r.json' }, env).releasesFile,
    '/etc/vf/r.json',
  );
  assert.equal(compileServeConfig({}, env).region, 'local');
  assert.equal(compileServeConfig({}, { VOXFLEET_REGION: 'eu-west' }).region, 'eu-west');
  assert.throws(() => compileServeConfig({ region: 'eu west/1' }, {}), { message: /'region'/ });
});
