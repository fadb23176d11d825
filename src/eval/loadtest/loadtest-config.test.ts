import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLoadtestConfig } from './loadtest-config.js';

const base = { manifest: 'dev.jsonl', streams: 2 };

test('peer protocols are accepted in stream mode', () => {
  for (const protocol of ['whisperlive', 'whisperlivekit'])
    assert.equal(compileLoadtestConfig({ ...base, protocol }, {}).protocol, protocol);
  assert.equal(compileLoadtestConfig(base, {}).protocol, 'voxfleet');
});

test('a peer protocol in another mode, or an unknown protocol, names the option', () => {
  assert.throws(
    () => compileLoadtestConfig({ ...base, protocol: 'whisperlive', mode: 'rest' }, {}),
    {
      code: 'INVALID_ARGUMENT',
      message: '\'mode\' must be stream with protocol whisperlive (got "rest")',
    },
  );
  assert.throws(
    () => compileLoadtestConfig({ ...base, protocol: 'whisperlivekit', mode: 'tts' }, {}),
    {
      code: 'INVALID_ARGUMENT',
    },
  );
  assert.throws(() => compileLoadtestConfig({ ...base, protocol: 'deepgram' }, {}), {
    message: '\'protocol\' must be one of voxfleet, whisperlive, whisperlivekit (got "deepgram")',
  });
});

test('whisperlivekit serves its own model: --model is refused; whisperlive passes it on', () => {
  assert.throws(
    () => compileLoadtestConfig({ ...base, protocol: 'whisperlivekit', model: 'x' }, {}),
    {
      code: 'INVALID_ARGUMENT',
      message: /'model' is not supported with protocol whisperlivekit/,
    },
  );
  assert.equal(
    compileLoadtestConfig({ ...base, protocol: 'whisperlive', model: 'x' }, {}).model,
    'x',
  );
});
