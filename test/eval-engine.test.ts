/**
 * `voxfleet eval --path engine` with the real whisper-tiny.en from the shared mirror: the same
 * dev utterances through the engine in this process (no server) and through REST on a real
 * server, both through the CLI entry point. Same audio, same model, same worker pipeline: the
 * WER must agree within a point — a larger gap would be a serving bug. Speed is not asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/index.js';
import { parseEvalResultJson, type EvalResult } from '../src/eval/index.js';
import { writeSubsetManifest } from './helpers/manifest.js';
import { DEV_AUDIO, MODELS_MIRROR, TEST_DATA_DIR } from './helpers/paths.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-eval-engine-'));
const manifest = join(scratch, 'manifest.jsonl');
/** Read speech, a long audiobook sentence and a short command, from the dev set. */
const IDS = ['LJ001-0006', 'LJ001-0013', '1089-134686-0000', 'cards_003'];
const MODEL = 'whisper-tiny.en';
const STORE = ['--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR];

let server: TestServer;

before(async () => {
  server = await startTestServer({ models: [MODEL, 'silero-vad'], logLevel: 'warn' });
  writeSubsetManifest(DEV_AUDIO, IDS, manifest);
});

after(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The CLI in this process; its exit status is returned, not left on the test process. */
async function evalCli(...args: string[]): Promise<number> {
  try {
    return await main(['node', 'voxfleet', 'eval', '--manifest', manifest, ...args]);
  } finally {
    process.exitCode = undefined;
  }
}

function readResult(dir: string): EvalResult {
  const file = join(dir, 'result.json');
  return parseEvalResultJson(readFileSync(file, 'utf8'), file);
}

function allWer(result: EvalResult): number {
  return result.scores.spell.find((s) => s.slice === 'all')!.wer;
}

const engineDir = join(scratch, 'engine');
const restDir = join(scratch, 'rest');

test('--path engine: the model in this process, scored and written like every path', async () => {
  assert.equal(
    await evalCli('--path', 'engine', '--model', MODEL, ...STORE, '--out', engineDir),
    0,
  );
  const result = readResult(engineDir);
  assert.equal(result.config.path, 'engine');
  assert.equal(result.config.target, 'local');
  assert.match(result.config.url, /^in-process engine \(/);
  assert.equal(result.summary.utterances, IDS.length);
  assert.equal(result.summary.failed, 0);
  assert.equal(result.summary.timedOut, 0);
  assert.equal(result.served.model, MODEL);
  assert.ok(result.served.models.some((m) => m.id === MODEL && m.kind === 'asr'));
  for (const u of result.utterances) {
    assert.ok(u.hyp.length > 0, u.id);
    assert.ok(u.latencyMs > 0 && u.durationS > 0 && u.rtf > 0, u.id);
  }
  const wer = allWer(result);
  assert.ok(wer >= 0 && wer < 0.5, `engine WER ${wer}`);
  assert.ok(result.summary.rtf !== null && result.summary.rtf.total > 0);
  assert.match(readFileSync(join(engineDir, 'report.html'), 'utf8'), /^<!doctype html>/);
});

test('engine and REST give the same WER on the same audio (within a point)', async (t) => {
  assert.equal(await evalCli('--target', server.url, '--path', 'rest', '--out', restDir), 0);
  const rest = readResult(restDir);
  const engine = readResult(engineDir);
  assert.equal(rest.summary.failed, 0);
  assert.equal(rest.served.model, engine.served.model);
  assert.equal(rest.served.modelVersion, engine.served.modelVersion);
  const same = engine.utterances.filter(
    (u) => rest.utterances.find((r) => r.id === u.id)?.hyp === u.hyp,
  ).length;
  t.diagnostic(
    `WER engine ${(allWer(engine) * 100).toFixed(2)} % vs REST ${(allWer(rest) * 100).toFixed(2)} %; ` +
      `identical transcripts ${same}/${IDS.length}`,
  );
  assert.ok(Math.abs(allWer(engine) - allWer(rest)) <= 0.01);
});

test('--timeout-s: a request past its deadline is REQUEST_TIMEOUT, counted, and the exit is 1', async () => {
  const dir = join(scratch, 'timeout');
  // 1 ms cannot hold a Whisper decode (tens of ms at the least): the deadline always passes first.
  const code = await evalCli(
    '--path',
    'engine',
    '--model',
    MODEL,
    ...STORE,
    '--limit',
    '1',
    '--timeout-s',
    '0.001',
    '--out',
    dir,
  );
  assert.equal(code, 1);
  const result = readResult(dir);
  assert.equal(result.config.timeoutS, 0.001);
  assert.equal(result.summary.failed, 1);
  assert.equal(result.summary.timedOut, 1);
  assert.equal(result.utterances[0]!.error?.code, 'REQUEST_TIMEOUT');
});
