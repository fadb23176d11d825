/**
 * A rollout end to end on real parts: a real nats-server, a `voxfleet worker` process with
 * both versions loaded (whisper-tiny.en, the baseline, and whisper-base, the candidate), a
 * `voxfleet gateway --releases` process, and the `voxfleet release` CLI. New sessions follow
 * the rollout (start, then rollback within a second); a session open across the rollback keeps
 * its version to the end. Runs the built CLI (dist/, `npm run build` first).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListenSession, streamPcm16 } from '../src/client/index.js';
import type { StreamEvent } from '../src/core/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { DEV_AUDIO, REPO_ROOT, TEST_DATA_DIR } from './helpers/paths.js';
import { finalsOf, pcm16kOf } from './helpers/recorded-audio.js';
import {
  installModels,
  startGatewayProcess,
  startWorkerProcess,
} from './helpers/fleet-processes.js';
import type { VoxfleetProcess } from './helpers/voxfleet-process.js';
import { TINY_NEWEST } from './helpers/test-models.js';

const MODELS = ['whisper-tiny.en', 'whisper-base', 'silero-vad'];
const ADMIN_KEY = 'test-admin-key';
const REGION = 'rel';
const PLAN = {
  id: 'tiny-to-base',
  model: 'asr-en',
  baseline: TINY_NEWEST,
  candidate: 'whisper-base@1.0.0',
  steps: [
    {
      name: 'all-of-rel',
      kind: 'full',
      selector: { regions: [REGION], percent: 100 },
      minDurationS: 3600,
      minSample: {},
      maxDurationS: 7200,
    },
  ],
};

let nats: NatsServer;
let worker: VoxfleetProcess;
let gateway: VoxfleetProcess;
let gatewayUrl: string;
let dir: string;

function release(...args: string[]): string {
  const r = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, 'bin', 'voxfleet.js'),
      'release',
      ...args,
      ...(args[0] === 'plan' ? [] : ['--nats', nats.url, '--actor', 'test']),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

async function servedModel(): Promise<string> {
  const session = await ListenSession.open(gatewayUrl, { model: 'asr-en', language: 'en' });
  const model = `${session.ready?.model}@${session.ready?.model_version}`;
  await session.finish();
  return model;
}

/** Opens sessions until one is served by `model`; the ms it took. */
async function untilServedBy(model: string, limitMs: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await servedModel()) === model) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not served by ${model} within ${limitMs} ms`);
}

before(async () => {
  await installModels(MODELS);
  nats = await startNatsServer();
  dir = mkdtempSync(join(tmpdir(), 'vf-release-'));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(PLAN));
  worker = await startWorkerProcess(nats.url, { region: REGION, zone: 'test' }, MODELS, [
    '--inference-threads',
    '1',
  ]);
  gateway = await startGatewayProcess(nats.url, REGION, ['--releases'], {
    VOXFLEET_ADMIN_KEY: ADMIN_KEY,
  });
  gatewayUrl = gateway.ready[1]!;
});

after(async () => {
  await gateway?.stop();
  await worker?.stop();
  await nats?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('release start moves new sessions; rollback moves them back within a second; open ones keep their version', async (t) => {
  assert.match(
    release('plan', join(dir, 'plan.json')),
    new RegExp(`asr-en ${TINY_NEWEST.replaceAll('.', '\\.')} -> whisper-base@1\\.0\\.0`),
  );
  assert.equal(await servedModel(), TINY_NEWEST, 'no rollout yet: the baseline');

  const started = release('start', join(dir, 'plan.json'), '--data-dir', TEST_DATA_DIR);
  assert.match(started, /tiny-to-base: running at step 1\/1/);
  // The catalog's manifests carry no eval reports: said, not guessed.
  assert.match(started, /eval evidence: candidate none; baseline none/);
  assert.match(started, /note: whisper-base@1\.0\.0 has no eval summary/);
  const startMs = await untilServedBy('whisper-base@1.0.0', 3000);

  // A session on the candidate, open across the rollback.
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const pinned = await ListenSession.open(gatewayUrl, { model: 'asr-en', language: 'en' });
  assert.equal(pinned.ready?.model, 'whisper-base');
  const events: StreamEvent[] = [];
  pinned.onEvent((e) => events.push(e));
  const half = Math.floor(pcm.length / 4) * 2;
  for (let at = 0; at < half; at += 3200)
    pinned.sendAudio(pcm.subarray(at, Math.min(half, at + 3200)));

  assert.match(release('rollback', 'tiny-to-base', '--reason', 'drill'), /rolled back/);
  const rollbackMs = await untilServedBy(TINY_NEWEST, 3000);
  assert.ok(
    rollbackMs <= 1000,
    `new sessions back on the baseline after ${rollbackMs.toFixed(0)} ms`,
  );

  await streamPcm16(pinned, pcm.subarray(half), { sampleRateHz: 16000, pace: 4 });
  const closed = await pinned.closed;
  assert.equal(closed.code, 1000);
  assert.ok(finalsOf(events).length >= 2, 'the open session transcribed to the end');
  assert.equal(
    events.filter((e) => e.type === 'ready' || e.type === 'error').length,
    0,
    'no second ready, no error: the session never switched',
  );

  // The same rollout over the gateway's admin API, which needs the admin key.
  const admin = (key: string) =>
    fetch(new URL('/v1/admin/releases/tiny-to-base', gatewayUrl), {
      headers: { authorization: `Bearer ${key}` },
    });
  assert.equal((await admin('not-the-key')).status, 401);
  const viaApi = (await (await admin(ADMIN_KEY)).json()) as {
    state: { status: string; audit: { actor: string; action: string }[] };
  };
  assert.equal(viaApi.state.status, 'rolled_back');
  assert.ok(viaApi.state.audit.some((e) => e.actor === 'test' && e.action === 'rollback'));

  const history = release('history', 'tiny-to-base');
  assert.match(history, /test {2}start/);
  assert.match(history, /test {2}rollback {2}drill/);
  assert.match(release('status'), /tiny-to-base: rolled back/);
  t.diagnostic(
    `start reached new sessions in ${startMs.toFixed(0)} ms, rollback in ${rollbackMs.toFixed(0)} ms`,
  );
});
