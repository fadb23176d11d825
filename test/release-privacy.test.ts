/**
 * The privacy gate on real parts: `voxfleet release privacy-check` serves sentinel phrases
 * (voiced by the Piper model), a sentinel API key and the audio through whisper-tiny.en in a
 * server logging at `trace`, then searches every log line, the metrics and the fleet view. The
 * search itself is unit-tested with planted leaks (src/release/privacy-sentinels.test.ts); here
 * the server is real and must come out clean, with enough traffic searched for that to mean
 * something.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/index.js';
import { installModels } from './helpers/fleet-processes.js';
import { MODELS_MIRROR, TEST_DATA_DIR } from './helpers/paths.js';
import { TINY_NEWEST } from './helpers/test-models.js';

interface Report {
  model: string;
  requests: { files: number; streams: number; speech: number };
  searched: { logLines: number; metricsBytes: number };
  needles: number;
  leaks: number;
}

test('release privacy-check: sentinel traffic through tiny.en at trace logging leaks nothing', async (t) => {
  await installModels(['whisper-tiny.en', 'silero-vad', 'piper-en-us-joe-medium']);
  let stdout = '';
  const log = console.log;
  console.log = (...parts: unknown[]) => {
    stdout += parts.map(String).join(' ') + '\n';
  };
  let code: number;
  try {
    code = await main([
      'node',
      'voxfleet',
      'release',
      'privacy-check',
      TINY_NEWEST,
      ...['--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR, '--json'],
    ]);
  } finally {
    console.log = log;
    process.exitCode = undefined;
  }
  const report = JSON.parse(stdout) as Report;
  assert.equal(code, 0, stdout);
  assert.equal(report.leaks, 0);
  assert.deepEqual(report.requests, { files: 2, streams: 2, speech: 2 });
  // Something to find: request logs at trace, a metrics page, and needles from the phrases, the
  // transcripts returned, the key and the audio.
  assert.ok(report.searched.logLines >= 15, `${report.searched.logLines} log lines`);
  assert.ok(report.searched.metricsBytes > 1000);
  assert.ok(report.needles > 30, `${report.needles} needles`);
  t.diagnostic(
    `searched ${report.searched.logLines} log lines and ${report.searched.metricsBytes} metrics bytes for ${report.needles} sentinels: ${report.leaks} leaks`,
  );
});
