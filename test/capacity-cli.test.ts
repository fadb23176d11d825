/**
 * `voxfleet capacity` as shipped (dist/, through bin/voxfleet.js; `npm run build` first)
 * against a real server with the real model: one frame size, short steps, at most 2 streams,
 * a 2-item manifest of short dev files. The SLO is generous so the figures, not this machine's
 * speed, are what is checked: they must be produced and plausible. Speed is never asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CapacityResult } from '../src/eval/index.js';
import { DEV_AUDIO, REPO_ROOT } from './helpers/paths.js';
import { writeSubsetManifest } from './helpers/manifest.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'voxfleet.js');
const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-capacity-cli-'));
const manifest = join(scratch, 'manifest.jsonl');
/** Two short, clean read utterances (about 3 s each). */
const IDS = ['LJ001-0125', 'LJ001-0126'];

let server: TestServer;

before(async () => {
  server = await startTestServer({ models: ['whisper-tiny.en', 'silero-vad'], logLevel: 'warn' });
  writeSubsetManifest(DEV_AUDIO, IDS, manifest);
});

after(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

test('capacity search at 160 ms frames up to 2 streams: capacity.md and capacity.json', async () => {
  const out = join(scratch, 'out');
  const { stdout, stderr } = await run(
    process.execPath,
    [BIN, 'capacity', '--model', 'whisper-tiny.en', '--target', server.url].concat(
      ['--manifest', manifest, '--frame-ms', '160', '--step-duration-s', '4'],
      ['--max-streams', '2', '--slo-final-p95-ms', '60000'],
      ['--slo-first-partial-p95-ms', '60000', '--max-error-rate', '0.5', '--out', out],
    ),
    { maxBuffer: 8 << 20 },
  );
  assert.match(stderr, /^capacity: 160 ms frames, 1 streams: pass$/m);
  assert.match(stdout, /^# Capacity: whisper-tiny\.en /m);
  assert.ok(existsSync(join(out, 'capacity.md')));
  const md = readFileSync(join(out, 'capacity.md'), 'utf8');
  assert.equal(stdout.startsWith(md), true, 'the table printed is the one written');
  assert.match(md, /Machine: .+, \d+ cores/);
  assert.match(md, /^\| frame \(ms\) \| max streams \|/m);
  assert.match(md, /^\| 160 \| (≥ )?[12] \| \d+ \/ \d+ \| \d+ \/ \d+ \|/m);

  const result = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8')) as CapacityResult;
  assert.equal(result.schema, 'voxfleet.capacity/1');
  assert.equal(result.model.id, 'whisper-tiny.en');
  assert.ok(result.model.version.length > 0);
  assert.ok(result.machine.cores >= 1);
  assert.equal(result.rows.length, 1);
  const row = result.rows[0]!;
  assert.equal(row.frameMs, 160);
  assert.ok(row.maxStreams >= 1 && row.maxStreams <= 2, `max ${row.maxStreams}`);
  assert.ok(row.steps.length >= 1 && row.steps.length <= 2);
  assert.deepEqual(
    row.steps.map((s) => s.streams),
    [1, 2].slice(0, row.steps.length),
  );
  assert.deepEqual(
    row.loadPoints.map((lp) => lp.percent),
    [25, 50, 75, 100],
  );
  assert.equal(row.loadPoints.at(-1)?.streams, row.maxStreams);
  for (const lp of row.loadPoints) {
    const m = lp.metrics;
    assert.ok(lp.streams >= 1 && lp.streams <= row.maxStreams);
    assert.ok(m.completed >= 1 && m.completed <= m.turns);
    assert.equal(m.refused, 0);
    assert.ok(m.finalMs !== null && m.finalMs.p50 > 0 && m.finalMs.p50 <= m.finalMs.p95);
    assert.ok(m.finalMs.p95 <= m.finalMs.p99);
    assert.ok(m.firstPartialMs !== null && m.firstPartialMs.p50 > 0);
  }
});

test('bad input names the option and exits 1 before contacting the server', async () => {
  const err = (await run(process.execPath, [
    BIN,
    'capacity',
    '--model',
    'whisper-tiny.en',
    '--target',
    server.url,
    '--manifest',
    manifest,
    '--frame-ms',
    '100,5',
  ]).catch((e: unknown) => e)) as { code?: number; stderr?: string };
  assert.equal(err.code, 1);
  assert.match(err.stderr ?? '', /INVALID_ARGUMENT: 'frame_ms' must be a comma-separated list/);
});
