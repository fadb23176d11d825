/**
 * `voxfleet eval` as shipped (dist/, through bin/voxfleet.js; `npm run build` first) against a
 * real server with the real model: a 5-item manifest over REST, then a --compare run against
 * the first run's result.json. Figures are checked for plausibility, never for speed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseEvalResultJson, type EvalResult } from '../src/eval/index.js';
import { DEV_AUDIO, REPO_ROOT } from './helpers/paths.js';
import { writeSubsetManifest } from './helpers/manifest.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'voxfleet.js');
const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-eval-cli-'));
const manifest = join(scratch, 'manifest.jsonl');
/** Clean read speech and one short command, from the dev set (absolute audio paths). */
const IDS = ['LJ001-0006', 'LJ001-0013', 'LJ001-0017', 'LJ001-0048', 'cards_003'];

let server: TestServer;

before(async () => {
  server = await startTestServer({ models: ['whisper-tiny.en', 'silero-vad'], logLevel: 'warn' });
  writeSubsetManifest(DEV_AUDIO, IDS, manifest);
});

after(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<CliOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'eval', ...args], {
      maxBuffer: 8 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw err;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function readResult(dir: string): EvalResult {
  const file = join(dir, 'result.json');
  return parseEvalResultJson(readFileSync(file, 'utf8'), file);
}

const first = join(scratch, 'first');

test('eval over REST: WER per slice in both modes, timings, config, report.html', async () => {
  const out = await cli(
    '--manifest',
    manifest,
    '--target',
    server.url,
    '--path',
    'rest',
    '--out',
    first,
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^voxfleet eval: whisper-tiny\.en@\S+ via rest/m);
  assert.match(out.stdout, /^all\s+5\s+\d+\s+\d+\.\d/m);

  const result = readResult(first);
  assert.equal(result.config.path, 'rest');
  assert.equal(result.config.url, server.url);
  assert.equal(result.summary.utterances, 5);
  assert.equal(result.summary.failed, 0);
  assert.equal(result.served.model, 'whisper-tiny.en');
  const listed = result.served.models.find((m) => m.id === 'whisper-tiny.en');
  assert.equal(result.served.modelVersion, listed?.version);
  assert.ok(result.machine.cores > 0 && result.machine.cpuModel !== '');
  for (const mode of ['spell', 'keep'] as const) {
    const slices = result.scores[mode];
    assert.deepEqual(
      slices.map((s) => s.slice),
      ['all', 'clean', 'command', 'read', 'short'],
    );
    for (const s of slices) {
      assert.ok(s.wer >= 0 && s.wer < 1, `${mode} ${s.slice} WER ${s.wer}`);
      assert.ok(s.cer >= 0 && s.cer < 1, `${mode} ${s.slice} CER ${s.cer}`);
      assert.equal(s.errors, s.substitutions + s.insertions + s.deletions);
      assert.ok(s.refWords > 0);
    }
  }
  // "seven of clubs" comes back as "7 of clubs": right once numbers are spelled out.
  const cards = result.utterances.find((u) => u.id === 'cards_003')!;
  assert.equal(cards.scores!.spell.errors, 0);
  for (const u of result.utterances) {
    assert.ok(u.hyp.length > 0, u.id);
    assert.ok(u.latencyMs > 0 && u.durationS > 0 && u.rtf > 0, u.id);
  }
  assert.equal(result.summary.latencyMs?.n, 5);
  assert.ok(result.summary.throughputX > 0);

  const html = readFileSync(join(first, 'report.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script src=/i);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /class="bar"/);
});

test('--compare with the previous result.json: delta 0 on every slice, gate passes, exit 0', async () => {
  const second = join(scratch, 'second');
  const out = await cli(
    '--manifest',
    manifest,
    '--target',
    server.url,
    '--compare',
    join(first, 'result.json'),
    '--max-regression',
    '0.5',
    '--out',
    second,
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(
    out.stdout,
    /gate: worst slice '\S+' ±0\.0 pp \[±0\.0, ±0\.0\]; max regression \+0\.5 pp: passed/,
  );
  const comparison = readResult(second).comparison!;
  assert.equal(comparison.baseline.kind, 'result');
  assert.equal(comparison.pairedUtterances, 5);
  for (const s of comparison.slices) {
    assert.equal(s.delta, 0, s.slice);
    assert.equal(s.ciLow, 0, s.slice);
    assert.equal(s.ciHigh, 0, s.slice);
  }
  assert.equal(comparison.gate.failed, false);
  assert.ok(existsSync(join(second, 'report.html')));
});

test('a missing --compare file fails at once with its code, before any transcription', async () => {
  const out = await cli(
    '--manifest',
    manifest,
    '--target',
    server.url,
    '--compare',
    join(scratch, 'nope.json'),
    '--out',
    join(scratch, 'third'),
  );
  assert.equal(out.code, 1);
  assert.match(out.stderr, /NOT_FOUND: --compare: result file .*nope\.json cannot be read/);
  assert.ok(!existsSync(join(scratch, 'third')));
});
