/**
 * A rollout in the embedded default: one `voxfleet serve --releases FILE` process (started with
 * the baseline only, its own controller) driven by `voxfleet release --server` through the admin
 * API. The release logic is the fleet's: the candidate is synced (installed, hash-checked,
 * loaded) when the rollout starts, the shadow step is judged on real shadow decodes and passed
 * by the controller, the canary serves the candidate, a rollback moves new sessions back within
 * a second, and a restart resumes from the file with the audit log intact. Runs the built CLI
 * (dist/, `npm run build` first).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installModels } from './helpers/fleet-processes.js';
import { readItems } from './helpers/manifest.js';
import { DEV_AUDIO, MODELS_MIRROR, REPO_ROOT, TEST_DATA_DIR } from './helpers/paths.js';
import { pcm16kOf } from './helpers/recorded-audio.js';
import { HOLD_EVERYWHERE } from './helpers/release-steps.js';
import { streamServedBy } from './helpers/served-stream.js';
import { startVoxfleet, type VoxfleetProcess } from './helpers/voxfleet-process.js';
import { TINY_NEWEST as TINY } from './helpers/test-models.js';

/** What the server starts with; the candidate comes with the rollout. */
const MODELS = ['whisper-tiny.en', 'silero-vad'];
const ADMIN_KEY = 'embedded-admin-key';
const REGION = 'home';
const BASE = 'whisper-base@1.0.0';
const PLAN = {
  id: 'embedded-tiny-to-base',
  model: 'asr-en',
  baseline: TINY,
  candidate: BASE,
  steps: [
    {
      name: 'shadow',
      kind: 'shadow',
      selector: { regions: [REGION], percent: 100 },
      minDurationS: 0,
      minSample: { sessions: 2 },
      maxDurationS: 600,
      gates: [
        { metric: 'word_disagreement', max: 0.9 },
        // Fleet figures from the worker's heartbeats, both versions loaded: they must exist.
        { metric: 'memory_mb', max: 16_000 },
        { metric: 'queue_depth_p95', max: 64 },
      ],
    },
    {
      name: 'canary',
      kind: 'canary',
      selector: { regions: [REGION], percent: 100 },
      minDurationS: 3600,
      minSample: {},
      maxDurationS: 7200,
    },
    HOLD_EVERYWHERE,
  ],
};

let dir: string;
let releasesFile: string;
let server: VoxfleetProcess | undefined;
let url: string;
let clips: Uint8Array[];
let telling: string[];

function startServe(): Promise<VoxfleetProcess> {
  return startVoxfleet(
    [
      'serve',
      ...['--port', '0', '--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR],
      ...['--models', MODELS.join(','), '--inference-threads', '1', '--no-console'],
      ...['--releases', releasesFile, '--region', REGION],
    ],
    /listening on (http:\/\/[^\s]+)/,
    120_000,
    { env: { VOXFLEET_ADMIN_KEY: ADMIN_KEY } },
  );
}

function release(args: readonly string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'voxfleet.js'), 'release', ...args, '--server', url, '--actor', 'ops'],
    { encoding: 'utf8', env: { ...process.env, VOXFLEET_ADMIN_KEY: ADMIN_KEY, ...env } },
  );
}

function releaseOk(...args: string[]): string {
  const r = release(args);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function untilStatus(pattern: RegExp, limitMs: number): Promise<string> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const status = releaseOk('status', PLAN.id);
    if (pattern.test(status)) return status;
    if (performance.now() > deadline) throw new Error(`still ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function untilLogged(line: RegExp, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!line.test(server!.stdout())) {
    if (performance.now() > deadline)
      throw new Error(`not logged: ${line}\n${server!.stdout().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function untilServedBy(model: string, limitMs: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; performance.now() - started < limitMs; i++)
    if ((await streamServedBy(url, clips[i % clips.length]!.subarray(0, 3200))) === model)
      return performance.now() - started;
  throw new Error(`not served by ${model} within ${limitMs} ms`);
}

before(async () => {
  await installModels([...MODELS, 'whisper-base']);
  const items = readItems(DEV_AUDIO)
    .filter((i) => i.tags.includes('clean') && i.duration_s > 3 && i.duration_s < 7)
    .slice(0, 2);
  clips = await Promise.all(items.map((i) => pcm16kOf(i.audio)));
  telling = [...new Set(items.flatMap((i) => i.text.toLowerCase().match(/[a-z]{7,}/g) ?? []))];
  dir = mkdtempSync(join(tmpdir(), 'vf-embedded-release-'));
  releasesFile = join(dir, 'releases.json');
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(PLAN));
  server = await startServe();
  url = server.ready[1]!;
});

after(async () => {
  await server?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('voxfleet serve --releases: shadow judged, canary served, rollback within a second, all kept across a restart', async (t) => {
  assert.match(
    server!.stderr(),
    /following rollouts in .*releases\.json as region home; admin API/,
  );
  const noKey = release(['status'], { VOXFLEET_ADMIN_KEY: '' });
  assert.notEqual(noKey.status, 0);
  assert.match(noKey.stderr, /UNAUTHENTICATED|VOXFLEET_ADMIN_KEY/);
  const wrongKey = release(['status'], { VOXFLEET_ADMIN_KEY: 'not-the-key' });
  assert.notEqual(wrongKey.status, 0);
  assert.match(wrongKey.stderr, /admin key/);

  assert.equal(await streamServedBy(url, clips[0]!), TINY, 'no rollout yet: the baseline');
  const modelsBefore = await (await fetch(new URL('/v1/models', url))).text();
  assert.doesNotMatch(
    modelsBefore,
    /whisper-base/,
    'the candidate is not loaded before the rollout',
  );
  const started = releaseOk('start', join(dir, 'plan.json'), '--data-dir', TEST_DATA_DIR);
  assert.match(started, /running at step 1\/3 \(shadow\)/);
  await untilLogged(/synced whisper-base@1\.0\.0 .*sha256 verified, loaded in \d+ ms/, 30_000);

  // Shadow: users keep the baseline while the candidate decodes a copy of their audio.
  for (const clip of clips) assert.equal(await streamServedBy(url, clip), TINY);
  await untilStatus(/at step 2\/3 \(canary\)/, 20_000);
  const canaryMs = await untilServedBy(BASE, 3000);

  const history = releaseOk('history', PLAN.id);
  assert.match(history, /ops {2}start/);
  assert.match(history, /controller\S* {2}step_passed {2}shadow .*word_disagreement=[\d.]+/);
  const memoryMb = Number(/memory_mb=([\d.]+)/.exec(history)?.[1]);
  assert.ok(memoryMb > 200 && memoryMb < 16_000, `the server held ${memoryMb} MB with both loaded`);
  assert.match(history, /queue_depth_p95=\d+/);

  assert.match(releaseOk('rollback', PLAN.id, '--reason', 'drill'), /rolled back/);
  const rollbackMs = await untilServedBy(TINY, 3000);
  assert.ok(rollbackMs <= 1000, `new sessions on the baseline ${rollbackMs.toFixed(0)} ms later`);

  // The state is numbers, plans and the audit log: no word of what users said.
  const kept = readFileSync(releasesFile, 'utf8').toLowerCase();
  assert.deepEqual(
    telling.filter((w) => kept.includes(w)),
    [],
  );

  await server!.stop();
  server = await startServe();
  url = server.ready[1]!;
  assert.match(releaseOk('status'), /embedded-tiny-to-base: rolled back/);
  assert.match(releaseOk('history', PLAN.id), /ops {2}rollback {2}drill/);
  assert.equal(await streamServedBy(url, clips[1]!), TINY, 'still rolled back after the restart');
  t.diagnostic(
    `canary reached new sessions ${canaryMs.toFixed(0)} ms after the step; rollback ${rollbackMs.toFixed(0)} ms; ${memoryMb.toFixed(0)} MB resident with both versions`,
  );
});
