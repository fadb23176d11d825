/**
 * `voxfleet loadtest` as shipped (dist/, through bin/voxfleet.js; `npm run build` first)
 * against a real server with the real model: 2 real-time streams over a 3-item manifest of
 * short dev files for a bounded duration. Figures are checked for plausibility, never speed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadtestResult } from '../src/eval/index.js';
import { DEV_AUDIO, REPO_ROOT } from './helpers/paths.js';
import { writeSubsetManifest } from './helpers/manifest.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'voxfleet.js');
const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-loadtest-cli-'));
const manifest = join(scratch, 'manifest.jsonl');
/** Three short, clean read utterances (2.6 to 3.2 s). */
const IDS = ['LJ001-0013', 'LJ001-0125', 'LJ001-0126'];

let server: TestServer;

before(async () => {
  server = await startTestServer({ models: ['whisper-tiny.en', 'silero-vad'], logLevel: 'warn' });
  writeSubsetManifest(DEV_AUDIO, IDS, manifest);
});

after(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('2 real-time streams for a bounded time: latencies, churn, WER, JSON and HTML', async () => {
  const out = join(scratch, 'out');
  const { stdout, stderr } = await run(
    process.execPath,
    [BIN, 'loadtest', '--target', server.url, '--manifest', manifest, '--streams', '2'].concat([
      '--ramp-s',
      '1',
      '--duration-s',
      '12',
      '--frame-ms',
      '40',
      '--out',
      out,
    ]),
    { maxBuffer: 8 << 20 },
  );
  assert.match(stderr, /loadtest: \d+ open, \d+ done, \d+ errors, \d+ refused, \d+ s/);
  assert.match(stdout, /^voxfleet loadtest: stream x2 against /m);
  assert.match(stdout, /^first partial \(ms\)\s+\d+/m);
  assert.match(stdout, /^final after speech \(ms\)\s+\d+/m);
  assert.ok(existsSync(join(out, 'loadtest.html')));

  const result = JSON.parse(readFileSync(join(out, 'loadtest.json'), 'utf8')) as LoadtestResult;
  const s = result.summary;
  assert.equal(result.schema, 'voxfleet.loadtest/1');
  assert.equal(result.config.streams, 2);
  assert.equal(result.cutOff, false);
  // Each turn lasts at least its audio (real-time pace), so 2 clients fit a bounded number.
  assert.ok(s.completed >= 4 && s.completed <= 2 * Math.ceil(12 / 2.5), `${s.completed} done`);
  assert.equal(s.failed, 0, JSON.stringify(s.errorsByCode));
  assert.equal(s.refused, 0);
  assert.deepEqual(new Set(result.turns.map((t) => t.slot)), new Set([0, 1]));
  for (const t of result.turns) {
    assert.ok(t.startMs < 12_000, `turn started at ${t.startMs} ms`);
    assert.ok(t.totalMs >= t.audioS * 1000 * 0.9, 'a stream lasts at least its audio');
    assert.ok((t.hyp ?? '').length > 0, t.itemId);
  }
  assert.ok(s.firstPartialMs !== null && s.firstPartialMs.p50 > 0);
  assert.ok(s.finalMs !== null && s.finalMs.n === s.completed && s.finalMs.p50 > 0);
  assert.ok(s.finalMs.p50 <= s.finalMs.p95 && s.finalMs.p95 <= s.finalMs.p99);
  assert.ok(s.churn !== null && s.churn >= 0 && s.churn <= 1);
  assert.ok(s.wer !== null && s.wer >= 0 && s.wer < 0.5, `WER ${s.wer}`);
  assert.equal(
    s.throughputPerS.reduce((a, b) => a + b, 0),
    s.completed,
  );
  assert.ok(s.elapsedS >= 12 && s.elapsedS < 12 + 30);

  const html = readFileSync(join(out, 'loadtest.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /(src|href)="http/i);
  assert.equal((html.match(/<svg class="chart"/g) ?? []).length, 2);
  assert.match(html, /<circle /);
});

test('bad input names the option and exits 1 before contacting the server', async () => {
  const err = (await run(process.execPath, [
    BIN,
    'loadtest',
    '--target',
    server.url,
    '--manifest',
    manifest,
    '--streams',
    '2',
    '--frame-ms',
    '10',
  ]).catch((e: unknown) => e)) as { code?: number; stderr?: string };
  assert.equal(err.code, 1);
  assert.match(err.stderr ?? '', /INVALID_ARGUMENT: 'frame_ms' must be an integer from 20 to 100/);
});
