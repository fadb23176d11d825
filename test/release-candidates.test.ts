/**
 * Two of the three release candidates against the current `asr-en` (whisper-tiny.en
 * 1.0.0), on real parts: the candidates are published with `voxfleet models publish` into a
 * registry served over HTTP and pulled from it; a nats-server; a worker process serving the
 * baseline and both candidates side by side; a gateway process with `--release-controller`.
 *
 * Before publishing, each candidate is evaluated against the baseline with `voxfleet eval --path
 * ws --compare` on a gate set and the report attached (`release start` reads its figures).
 *
 * - broken, 1.0.1: the same weights with a harmful preprocessing and decode change (stream VAD
 *   threshold 0.9 and no padding, which clips word onsets; 50 frames of tail padding instead of
 *   the engine's 1000, which makes Whisper repeat itself). Both the gate set's worst-slice WER
 *   and its shadow catch it and the controller rolls it back on its own; every user got the
 *   baseline.
 * - slow, 1.0.2: the baseline's exact settings in a test build whose engine waits before every
 *   decode (test/helpers/test-build-cli.ts). Its shadow agrees with the baseline, so the quality
 *   step passes; the canary's latency gate fails and the controller rolls it back.
 *
 * The third, better-but-slower whisper-base, is in release-shadow.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsVersionedKv, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import { main } from '../src/cli/index.js';
import { attachEvalReports, openModelStore, publishModel } from '../src/registry/index.js';
import { rawCatalogManifest } from '../src/registry/testing/manifests.js';
import { startStaticServer, type StaticServer } from '../src/registry/testing/static-server.js';
import {
  RELEASES_BUCKET,
  RolloutStore,
  offlineEvidence,
  parsePlan,
  start,
  type GateResult,
  type RolloutState,
} from '../src/release/index.js';
import { startGatewayProcess, startTestBuildWorker } from './helpers/fleet-processes.js';
import { readItems, writeSubsetManifest } from './helpers/manifest.js';
import { streamServedBy } from './helpers/served-stream.js';
import { HOLD_EVERYWHERE, canaryStep } from './helpers/release-steps.js';
import { recordRollout } from './helpers/release-report.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { DEV_AUDIO, MODELS_MIRROR } from './helpers/paths.js';
import { pcm16kOf } from './helpers/recorded-audio.js';
import type { VoxfleetProcess } from './helpers/voxfleet-process.js';

const BASELINE = 'whisper-tiny.en@1.0.0';
const BROKEN = 'whisper-tiny.en@1.0.1';
const SLOW = 'whisper-tiny.en@1.0.2';
/**
 * What the slow build adds to every decode of the slow candidate. At 700 ms one CI run measured
 * the canary's final p95 only 1.31x the baseline's (speculative finals hide part of the wait
 * behind endpointing, and a p95 over one or two canary sessions is one value): 2 s leaves no doubt.
 */
const SLOW_DECODE_MS = 2000;
const REGION = 'candidates';
const SESSIONS = 3;
/** A realistic quality gate: whisper-base disagrees with tiny.en on 0.045 of words. */
const MAX_DISAGREEMENT = 0.15;

let temp: string;
let registry: StaticServer;
let nats: NatsServer;
let worker: VoxfleetProcess;
let gateway: VoxfleetProcess;
let connection: NatsConnection;
let rollouts: RolloutStore;
let clips: Uint8Array[];
let dataDir: string;
/** The gate set: 16 dev clips under 8 s (clean and noisy), as a manifest. */
let gateSet: string;

/** A version of the baseline's weights with `edit` applied to its manifest; its folder. */
async function variantSource(
  version: string,
  edit: (m: ReturnType<typeof rawCatalogManifest>) => void,
): Promise<string> {
  const manifest = rawCatalogManifest('whisper-tiny.en');
  manifest.version = version;
  manifest.identity.releaseDate = '2026-11-30';
  manifest.controls.rollbackTo = BASELINE;
  edit(manifest);
  const source = join(temp, `source-${version}`);
  await cp(join(MODELS_MIRROR, 'whisper-tiny.en'), source, { recursive: true });
  await writeFile(join(source, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return source;
}

/**
 * What a release engineer does before publishing: install the version from a staging registry,
 * `voxfleet eval --path ws --compare` it with the baseline on a gate set (streamed, the path
 * its stream settings change), and attach the report to the version. Returns the exit status
 * (3: the eval's own gate failed).
 */
async function evalAgainstBaseline(version: string, source: string): Promise<number> {
  const staging = join(temp, `staging-${version}`);
  await publishModel(source, staging);
  const server = await startStaticServer(staging);
  const data = join(temp, `eval-data-${version}`);
  const out = join(temp, `eval-${version}`);
  try {
    const store = openModelStore(data);
    for (const ref of [BASELINE, `whisper-tiny.en@${version}`, 'silero-vad'])
      await store.pull(ref, { mirrorDir: MODELS_MIRROR, registryUrl: server.url });
    const log = console.log;
    console.log = () => undefined; // the eval's tables; the test reads result.json
    try {
      const code = await main([
        ...['node', 'voxfleet', 'eval', '--manifest', gateSet, '--target', 'local'],
        ...['--path', 'ws', '--model', `whisper-tiny.en@${version}`, '--compare', BASELINE],
        ...['--data-dir', data, '--out', out, '--max-regression', '2'],
      ]);
      await attachEvalReports(source, { quality: join(out, 'result.json') });
      return code;
    } finally {
      console.log = log;
      process.exitCode = undefined;
    }
  } finally {
    await server.close();
  }
}

function planFor(id: string, candidate: string) {
  return parsePlan({
    id,
    model: 'asr-en',
    baseline: BASELINE,
    candidate,
    steps: [
      {
        name: 'shadow',
        kind: 'shadow',
        selector: { regions: [REGION], percent: 100 },
        minDurationS: 0,
        minSample: { sessions: SESSIONS },
        maxDurationS: 600,
        gates: [
          { metric: 'word_disagreement', max: MAX_DISAGREEMENT },
          { metric: 'empty_final_rate', compare: 'delta', max: 0.05 },
          // The eval on the gate set: no slice's WER up by 2 points even at its CI lower bound.
          { metric: 'worst_slice_wer_delta', max: 0.02 },
          // A rollback drill first. This test opens one session at a time (each ~1.5 s), so the
          // first new session after the drill begins may wait for the current one to end.
          { metric: 'rollback_drill_ms', max: 3000 },
        ],
      },
      // The candidate's final p95 at most 1.5 times the baseline's, under the same load.
      canaryStep(REGION, 50, [{ metric: 'final_p95_ms', compare: 'ratio', max: 1.5 }]),
      HOLD_EVERYWHERE,
    ],
  });
}

/** Streams one clip as a user would; returns the version that served it. */
function streamClip(clip: Uint8Array): Promise<string> {
  return streamServedBy(gateway.ready[1]!, clip);
}

/** Streams clips until the rollout is decided or out of its step; returns who served whom. */
async function streamUntil(
  id: string,
  done: (s: RolloutState) => boolean,
  maxSessions: number,
): Promise<{ state: RolloutState; served: string[] }> {
  const served: string[] = [];
  for (;;) {
    const state = (await rollouts.read(id))?.rollout.state;
    if (state !== undefined && done(state)) return { state, served };
    if (served.length >= maxSessions) throw new Error(`rollout ${id}: ${JSON.stringify(state)}`);
    served.push(await streamClip(clips[served.length % clips.length]!));
  }
}

/** As `voxfleet release start` does: with the manifests' eval figures as offline evidence. */
async function startRollout(id: string, candidate: string): Promise<void> {
  const plan = planFor(id, candidate);
  const store = openModelStore(dataDir);
  const offline = offlineEvidence(
    plan,
    await store.manifestOf(candidate),
    await store.manifestOf(BASELINE),
  );
  await rollouts.register(plan);
  await rollouts.apply(id, ({ plan: p, state }) => start(p, state, Date.now(), 'test', offline));
  // The gateway's board sees the rollout within half a second.
  await new Promise((r) => setTimeout(r, 700));
}

const gateOf = (state: RolloutState, step: string, metric: string): GateResult | undefined =>
  state.audit
    .filter((e) => e.step === step && (e.action === 'step_passed' || e.action === 'gate_failed'))
    .flatMap((e) => e.gates ?? [])
    .find((g) => g.metric === metric);

before(async () => {
  temp = await mkdtemp(join(tmpdir(), 'voxfleet-candidates-'));
  const registryDir = join(temp, 'registry');
  gateSet = join(temp, 'gate-set.jsonl');
  const gateIds = readItems(DEV_AUDIO)
    .filter((i) => i.duration_s < 8)
    .slice(0, 16)
    .map((i) => i.id);
  writeSubsetManifest(DEV_AUDIO, gateIds, gateSet);
  const broken = await variantSource('1.0.1', (m) => {
    m.preprocessing.segmentation.stream.threshold = 0.9;
    m.preprocessing.segmentation.stream.padMs = 0;
    m.decode.tailPaddings.streamPartial = 50;
    m.decode.tailPaddings.streamFinal = 50;
    m.engine.config.modelConfig.whisper.tailPaddings = 50;
  });
  const slow = await variantSource('1.0.2', () => undefined);
  assert.equal(await evalAgainstBaseline('1.0.1', broken), 3, "the eval's own gate catches it");
  assert.equal(await evalAgainstBaseline('1.0.2', slow), 0);
  for (const source of [broken, slow])
    assert.equal((await publishModel(source, registryDir)).outcome, 'published');
  registry = await startStaticServer(registryDir);
  // A data dir of its own: the candidates must not become other tests' newest tiny.en.
  dataDir = join(temp, 'data');
  const store = openModelStore(dataDir);
  for (const ref of [BASELINE, BROKEN, SLOW, 'silero-vad'])
    await store.pull(ref, { mirrorDir: MODELS_MIRROR, registryUrl: registry.url });

  const items = readItems(DEV_AUDIO)
    .filter((i) => i.tags.includes('clean') && i.duration_s > 3 && i.duration_s < 7)
    .slice(0, SESSIONS);
  clips = await Promise.all(items.map((i) => pcm16kOf(i.audio)));
  nats = await startNatsServer();
  worker = await startTestBuildWorker(
    nats.url,
    { region: REGION, zone: 'test' },
    [BASELINE, BROKEN, SLOW, 'silero-vad'],
    { [SLOW]: SLOW_DECODE_MS },
    ['--data-dir', dataDir, '--inference-threads', '1'],
  );
  gateway = await startGatewayProcess(nats.url, REGION, ['--release-controller']);
  connection = await connectToNats(nats.url, 'release-candidates-test');
  rollouts = new RolloutStore(await NatsVersionedKv.open(connection, RELEASES_BUCKET));
});

after(async () => {
  await connection?.close();
  await gateway?.stop();
  await worker?.stop();
  await nats?.stop();
  await registry?.close();
  if (temp !== undefined) await rm(temp, { recursive: true, force: true });
});

test('broken candidate (onsets clipped, short tail padding): its shadow is rolled back on its own, no user got it', async (t) => {
  await startRollout('tiny-broken', BROKEN);
  const { state, served } = await streamUntil('tiny-broken', (s) => s.status !== 'running', 12);
  assert.equal(state.status, 'rolled_back');
  assert.equal(state.stepIndex, 0, 'it never left the shadow step');
  const disagreement = gateOf(state, 'shadow', 'word_disagreement');
  assert.ok(disagreement?.value !== undefined && disagreement.value > MAX_DISAGREEMENT);
  assert.equal(disagreement.passed, false);
  const quality = gateOf(state, 'shadow', 'worst_slice_wer_delta');
  assert.ok(quality?.value !== undefined && quality.value > 0.02, JSON.stringify(quality));
  assert.equal(quality.passed, false, 'the gate set saw it too, offline');
  assert.ok(state.audit.some((e) => e.action === 'rollback' && e.actor === 'controller'));
  assert.deepEqual(served, Array(served.length).fill(BASELINE), 'every user got the baseline');
  t.diagnostic(
    `broken: worst-slice WER delta (CI low) ${(100 * quality.value).toFixed(1)} pp on the gate set; ` +
      `word disagreement ${disagreement.value.toFixed(3)} over ${served.length} sessions ` +
      `(max ${MAX_DISAGREEMENT}): rolled back`,
  );
  const stored = (await rollouts.read('tiny-broken'))!.rollout;
  recordRollout('broken: whisper-tiny.en 1.0.1, onsets clipped', stored.plan, stored.state);
});

test('slow candidate (same settings, slow engine): passes the shadow, fails the canary latency gate, rolled back', async (t) => {
  await startRollout('tiny-slow', SLOW);
  const shadow = await streamUntil(
    'tiny-slow',
    (s) => s.status !== 'running' || s.stepIndex > 0,
    12,
  );
  assert.equal(shadow.state.stepIndex, 1, JSON.stringify(shadow.state.audit.slice(-4)));
  assert.deepEqual(shadow.served, Array(shadow.served.length).fill(BASELINE));
  const agreement = gateOf(shadow.state, 'shadow', 'word_disagreement');
  assert.ok(agreement?.passed === true && agreement.value !== undefined);
  const quality = gateOf(shadow.state, 'shadow', 'worst_slice_wer_delta');
  assert.ok(quality?.passed === true && quality.value !== undefined, JSON.stringify(quality));
  const drill = gateOf(shadow.state, 'shadow', 'rollback_drill_ms');
  assert.ok(drill?.passed === true && drill.value !== undefined, JSON.stringify(drill));
  assert.ok(
    shadow.state.audit.some((e) => e.action === 'drill_started') &&
      shadow.state.audit.some((e) => e.action === 'drill_ended'),
  );

  // Canary: half the sessions on each; stream until the controller decides.
  const canary = await streamUntil('tiny-slow', (s) => s.status !== 'running', 40);
  assert.equal(canary.state.status, 'rolled_back');
  const latency = gateOf(canary.state, 'canary', 'final_p95_ms');
  assert.ok(latency?.value !== undefined && latency.value > 1.5, JSON.stringify(latency));
  assert.equal(latency.passed, false);
  assert.ok(canary.served.includes(SLOW) && canary.served.includes(BASELINE));
  // After the rollback every new session is on the baseline again.
  assert.equal(await streamClip(clips[0]!), BASELINE);
  t.diagnostic(
    `slow: gate-set worst-slice WER delta (CI low) ${(100 * quality.value).toFixed(1)} pp; ` +
      `rollback drill ${drill.value.toFixed(0)} ms; shadow word disagreement ` +
      `${agreement.value.toFixed(3)} (passed); canary final p95 ` +
      `${latency.value.toFixed(2)}x the baseline's (max 1.5): rolled back`,
  );
  const stored = (await rollouts.read('tiny-slow'))!.rollout;
  recordRollout(
    `slow: whisper-tiny.en 1.0.2, +${SLOW_DECODE_MS} ms per decode`,
    stored.plan,
    stored.state,
  );
});
