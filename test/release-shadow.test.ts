/**
 * Shadow evidence decides a rollout, on real parts: a nats-server, a worker process with the
 * baseline (whisper-tiny.en) and the candidate (whisper-base) loaded, a gateway process with
 * `--releases --release-controller`. Sessions stream recorded speech; the candidate decodes a
 * shadow copy of each; the controller judges the shadow step on the measured word
 * disagreement. With a threshold the candidate meets, the step passes; with one it cannot
 * meet, the rollout is rolled back on its own. Either way every user got the baseline's text.
 * Runs the built CLI (dist/, `npm run build` first).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NatsVersionedKv, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import {
  RELEASES_BUCKET,
  RolloutStore,
  parsePlan,
  rollback,
  start,
  type RolloutState,
} from '../src/release/index.js';
import { readItems } from './helpers/manifest.js';
import { streamServedBy } from './helpers/served-stream.js';
import { HOLD_EVERYWHERE, canaryStep } from './helpers/release-steps.js';
import { recordRollout } from './helpers/release-report.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { DEV_AUDIO } from './helpers/paths.js';
import { pcm16kOf } from './helpers/recorded-audio.js';
import {
  installModels,
  startGatewayProcess,
  startWorkerProcess,
} from './helpers/fleet-processes.js';
import type { VoxfleetProcess } from './helpers/voxfleet-process.js';
import { TINY_NEWEST } from './helpers/test-models.js';

const MODELS = ['whisper-tiny.en', 'whisper-base', 'silero-vad'];
const REGION = 'shadow';
const SESSIONS = 3;

let nats: NatsServer;
let worker: VoxfleetProcess;
let gateway: VoxfleetProcess;
let gatewayUrl: string;
/** A second gateway that follows rollouts but runs no controller: its evidence is pooled. */
let follower: VoxfleetProcess;
let connection: NatsConnection;
let rollouts: RolloutStore;
let clips: Uint8Array[];
/** Words of the clips' reference transcripts long enough to be telling if they leaked. */
let telling: string[];

function planWith(id: string, maxDisagreement: number) {
  return parsePlan({
    id,
    model: 'asr-en',
    baseline: TINY_NEWEST,
    candidate: 'whisper-base@1.0.0',
    steps: [
      {
        name: 'shadow',
        kind: 'shadow',
        selector: { regions: [REGION], percent: 100 },
        minDurationS: 0,
        minSample: { sessions: SESSIONS },
        maxDurationS: 600,
        gates: [{ metric: 'word_disagreement', max: maxDisagreement }],
      },
      {
        name: 'canary',
        kind: 'canary',
        selector: { regions: [REGION], percent: 1 },
        minDurationS: 3600,
        minSample: {},
        maxDurationS: 7200,
      },
    ],
  });
}

/** Streams the clips as users would; returns the model each user was served by. */
async function streamClips(times = 1, via = gatewayUrl): Promise<string[]> {
  const served: string[] = [];
  for (const clip of Array.from({ length: times }, () => clips).flat())
    served.push(await streamServedBy(via, clip));
  return served;
}

async function untilState(
  id: string,
  done: (s: RolloutState) => boolean,
  limitMs: number,
): Promise<RolloutState> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const state = (await rollouts.read(id))?.rollout.state;
    if (state !== undefined && done(state)) return state;
    if (performance.now() > deadline) throw new Error(`rollout ${id}: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  await installModels(MODELS);
  const items = readItems(DEV_AUDIO)
    .filter((i) => i.tags.includes('clean') && i.duration_s > 3 && i.duration_s < 7)
    .slice(0, SESSIONS);
  clips = await Promise.all(items.map((i) => pcm16kOf(i.audio)));
  telling = [...new Set(items.flatMap((i) => i.text.toLowerCase().match(/[a-z]{7,}/g) ?? []))];
  nats = await startNatsServer();
  worker = await startWorkerProcess(nats.url, { region: REGION, zone: 'test' }, MODELS, [
    '--inference-threads',
    '1',
  ]);
  gateway = await startGatewayProcess(nats.url, REGION, ['--release-controller']);
  gatewayUrl = gateway.ready[1]!;
  follower = await startGatewayProcess(nats.url, REGION, ['--releases']);
  connection = await connectToNats(nats.url, 'release-shadow-test');
  rollouts = new RolloutStore(await NatsVersionedKv.open(connection, RELEASES_BUCKET));
});

after(async () => {
  await connection?.close();
  await follower?.stop();
  await gateway?.stop();
  await worker?.stop();
  await nats?.stop();
});

async function run(id: string, maxDisagreement: number) {
  const plan = planWith(id, maxDisagreement);
  await rollouts.register(plan);
  await rollouts.apply(id, ({ plan: p, state }) => start(p, state, Date.now(), 'test'));
  // The gateway's board sees the rollout within half a second.
  await new Promise((r) => setTimeout(r, 700));
  const served = await streamClips();
  const state = await untilState(id, (s) => s.status !== 'running' || s.stepIndex > 0, 60_000);
  const decision = state.audit.find(
    (e) => e.action === 'step_passed' || e.action === 'gate_failed',
  );
  const gate = decision?.gates?.find((g) => g.metric === 'word_disagreement');
  return { state, served, decision, gate };
}

test('shadow figures the candidate meets: the step passes, with the measured value recorded', async (t) => {
  const { state, served, decision, gate } = await run('base-lenient', 0.9);
  assert.deepEqual(served, Array(SESSIONS).fill(TINY_NEWEST), 'users got the baseline');
  assert.equal(decision?.action, 'step_passed');
  assert.equal(state.stepIndex, 1);
  assert.ok(gate?.value !== undefined && gate.value <= 0.9 && gate.passed);
  t.diagnostic(
    `word disagreement tiny.en vs base over ${SESSIONS} sessions: ${gate?.value?.toFixed(3)}`,
  );
  // Done with it: the next rollout of the same name starts from a clean slate.
  await rollouts.apply('base-lenient', ({ state: s }) => rollback(s, Date.now(), 'test', 'next'));
});

test('shadow figures over the threshold: rolled back on its own, no user ever got the candidate', async (t) => {
  const { state, served, decision, gate } = await run('base-strict', 0.001);
  assert.equal(state.status, 'rolled_back');
  assert.equal(decision?.action, 'gate_failed');
  assert.ok(gate?.value !== undefined && gate.value > 0.001 && !gate.passed);
  assert.deepEqual(served, Array(SESSIONS).fill(TINY_NEWEST));
  assert.ok(state.audit.some((e) => e.action === 'rollback' && e.actor === 'controller'));
  t.diagnostic(`rolled back at word disagreement ${gate?.value?.toFixed(3)} (max 0.001)`);
});

test('canary of a slower candidate, served by another gateway: the pooled latency gate decides, following the numbers', async (t) => {
  const id = 'base-canary';
  const plan = parsePlan({
    id,
    model: 'asr-en',
    baseline: TINY_NEWEST,
    candidate: 'whisper-base@1.0.0',
    steps: [
      canaryStep(REGION, 50, [{ metric: 'final_p95_ms', compare: 'ratio', max: 1.05 }]),
      HOLD_EVERYWHERE,
    ],
  });
  await rollouts.register(plan);
  await rollouts.apply(id, ({ plan: p, state }) => start(p, state, Date.now(), 'test'));
  await new Promise((r) => setTimeout(r, 700));
  // Sessions are split by a hash of their id: stream until each side has a sample.
  const served: string[] = [];
  const count = (m: string): number => served.filter((x) => x === m).length;
  while (served.length < 30 && (count('whisper-base@1.0.0') < 3 || count(TINY_NEWEST) < 3))
    // Through the gateway without a controller: the decision needs the pooled evidence.
    served.push(...(await streamClips(1, follower.ready[1])));
  const candidateSessions = count('whisper-base@1.0.0');
  assert.ok(candidateSessions >= 3 && count(TINY_NEWEST) >= 3, served.join(','));
  const state = await untilState(id, (s) => s.status !== 'running' || s.stepIndex > 0, 60_000);
  const decision = state.audit.find(
    (e) => e.action === 'step_passed' || e.action === 'gate_failed',
  );
  const gate = decision?.gates?.find((g) => g.metric === 'final_p95_ms');
  assert.ok(gate?.value !== undefined, JSON.stringify(decision));
  if (gate.value > 1.05) {
    assert.equal(decision?.action, 'gate_failed');
    assert.equal(state.status, 'rolled_back');
  } else {
    assert.equal(decision?.action, 'step_passed');
    assert.equal(state.stepIndex, 1);
  }
  t.diagnostic(
    `canary final p95 candidate/baseline = ${gate.value.toFixed(2)} over ${candidateSessions} of ${served.length} sessions: ${state.status}`,
  );
  recordRollout('better but slower: whisper-base 1.0.0', plan, state);
  if (state.status === 'running')
    await rollouts.apply(id, ({ state: s }) => rollback(s, Date.now(), 'test', 'done'));
});

test('no transcript of either version in any process log (shadow texts are compared in memory only)', () => {
  assert.ok(telling.length >= 3, telling.join(','));
  const logs = [gateway, follower, worker]
    .map((p) => `${p.stdout()}\n${p.stderr()}`)
    .join('\n')
    .toLowerCase();
  const leaked = telling.filter((w) => logs.includes(w));
  assert.deepEqual(leaked, []);
});
