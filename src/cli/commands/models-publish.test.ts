/**
 * `voxfleet models publish` and `attach-eval` through the CLI's own entry point (in process):
 * what the user sees on stdout and stderr, and the exit status; then `voxfleet models pull`
 * from the registry served over HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixtureResult, fiveWordUtterances } from '../../eval/testing/eval-fixtures.js';
import { startStaticServer } from '../../registry/testing/static-server.js';
import { writeSyntheticModel } from '../../registry/testing/synthetic-model.js';
import { main } from '../index.js';

const dirs: string[] = [];
const makeDir = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'voxfleet-cli-publish-'));
  dirs.push(d);
  return d;
};
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Runs the CLI in this process; returns its exit status and what it printed. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  console.log = (...parts: unknown[]) => {
    stdout += parts.map(String).join(' ') + '\n';
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  };
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'voxfleet', ...args]);
    return { code, stdout, stderr };
  } finally {
    console.log = log;
    process.stderr.write = write;
    process.exitCode = undefined;
  }
}

test('models publish: published, then a no-op, then VERSION_IMMUTABLE for other bytes', async () => {
  const src = await makeDir();
  const registry = join(await makeDir(), 'reg');
  await writeSyntheticModel(src);

  const first = await cli('models', 'publish', src, '--registry', registry);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^test-asr@2\.0\.0: published to .*reg\/test-asr\/2\.0\.0 \(4 files, \d+ bytes; manifest sha256 [0-9a-f]{64}\)$/m,
  );

  const again = await cli('models', 'publish', src, '--registry', registry);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /already published with identical content .*nothing written/);

  const changed = await makeDir();
  await writeSyntheticModel(changed, { seed: 'other' });
  const refused = await cli('models', 'publish', changed, '--registry', registry);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^voxfleet: VERSION_IMMUTABLE: test-asr@2\.0\.0 is already published/,
  );

  const missing = await cli('models', 'publish', src);
  assert.notEqual(missing.code, 0, 'the registry is required');
});

test('models attach-eval writes the summary; models pull installs from the registry over HTTP', async () => {
  const src = await makeDir();
  await writeSyntheticModel(src, { name: 'whisper-tiny.en', version: '1.0.0' });
  const report = join(await makeDir(), 'result.json');
  await writeFile(
    report,
    JSON.stringify(fixtureResult(fiveWordUtterances(4, () => 'the quick brown fox jumps'))),
  );

  const none = await cli('models', 'attach-eval', src);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /INVALID_ARGUMENT/);
  const attached = await cli('models', 'attach-eval', src, '--eval', report);
  assert.equal(attached.code, 0, attached.stderr);
  assert.match(attached.stdout, /whisper-tiny\.en@1\.0\.0: eval\/result\.json attached/);
  const manifest = JSON.parse(await readFile(join(src, 'manifest.json'), 'utf8')) as {
    eval: { quality: { slices: { slice: string; wer: number }[] } };
  };
  assert.deepEqual(manifest.eval.quality.slices[0], {
    slice: 'all',
    utterances: 4,
    refWords: 20,
    wer: 0,
    cer: 0,
  });

  // Publish under another name so pull does not find it in the built-in catalog.
  const named = await makeDir();
  await writeSyntheticModel(named, { name: 'test-asr', version: '2.0.0' });
  const registry = await makeDir();
  assert.equal((await cli('models', 'publish', named, '--registry', registry)).code, 0);
  const server = await startStaticServer(registry);
  try {
    const dataDir = await makeDir();
    const env = process.env.VOXFLEET_MODEL_MIRROR;
    delete process.env.VOXFLEET_MODEL_MIRROR;
    try {
      const pulled = await cli(
        'models',
        'pull',
        'test-asr@2.0.0',
        '--registry-url',
        server.url,
        '--data-dir',
        dataDir,
      );
      assert.equal(pulled.code, 0, pulled.stderr);
      assert.match(pulled.stdout, /test-asr@2\.0\.0: installed/);
      const verified = await cli('models', 'verify', 'test-asr', '--data-dir', dataDir);
      assert.equal(verified.code, 0);
      assert.match(verified.stdout, /test-asr@2\.0\.0: ok/);
    } finally {
      if (env !== undefined) process.env.VOXFLEET_MODEL_MIRROR = env;
    }
  } finally {
    await server.close();
  }
});
