/**
 * `npm run bench:release`: what a rollout costs and how fast it turns back, on real parts — a
 * nats-server, a `voxfleet worker` process with the baseline (whisper-tiny.en) and the
 * candidate (whisper-base) loaded, a `voxfleet gateway --releases` process, real-time streams
 * from `voxfleet loadtest`'s client in this process. Writes bench/results/release.json:
 *
 * - `shadow_overhead`: primary p95 final-after-speech with 100 % shadow over without, at the
 *   same load (STREAMS concurrent streams), measured in this run in ROUNDS pairs of phases
 *   (without and with, the order alternating by round), each p95 over every turn of its
 *   condition: a drift in the machine's speed falls on both sides alike;
 * - `rollback_ms`: `release rollback` (the compare-and-set landing in the bucket) to a new
 *   session being served the baseline, over ROLLBACKS tries;
 * - `mid_stream_switches`: sessions open across start and rollback that changed version (a
 *   second `ready`) — must be 0.
 *
 *   npm run bench:release [-- --streams 2 --duration-s 45 --rounds 3 --rollbacks 5]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ListenSession, VoxfleetError } from '../src/client/index.js';
import { NatsVersionedKv, connectToNats } from '../src/fabric/index.js';
import {
  compileLoadtestConfig,
  describeCpu,
  describeMachine,
  runLoadtest,
} from '../src/eval/index.js';
import { summarizePercentiles } from '../src/eval/report/percentiles.js';
import type { Percentiles } from '../src/eval/report/result-types.js';
import {
  RELEASES_BUCKET,
  RolloutStore,
  parsePlan,
  rollback,
  start,
  type ReleasePlan,
} from '../src/release/index.js';
import { startNatsServer } from '../test/helpers/nats-server.js';
import {
  installModels,
  startGatewayProcess,
  startWorkerProcess,
} from '../test/helpers/fleet-processes.js';
import { printTable } from './print-table.js';
import { selectBenchItems, writeBenchManifest } from './streams/bench-items.js';

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '2' },
    'duration-s': { type: 'string', default: '45' },
    rounds: { type: 'string', default: '3' },
    rollbacks: { type: 'string', default: '5' },
  },
});
const STREAMS = Number(args.streams);
const DURATION_S = Number(args['duration-s']);
const ROLLBACKS = Number(args.rollbacks);
const ROUNDS = Number(args.rounds);
const MODELS = ['whisper-tiny.en', 'whisper-base', 'silero-vad'];
const REGION = 'bench';
const BASELINE = 'whisper-tiny.en@1.0.0';
const CANDIDATE = 'whisper-base@1.0.0';

const plan = (id: string, kind: 'shadow' | 'full'): ReleasePlan =>
  parsePlan({
    id,
    model: 'asr-en',
    baseline: BASELINE,
    candidate: CANDIDATE,
    steps: [
      {
        name: kind,
        kind,
        selector: { regions: [REGION], percent: 100 },
        minDurationS: 86_400,
        minSample: {},
        maxDurationS: 172_800,
      },
    ],
  });

await installModels(MODELS);
const manifest = writeBenchManifest(selectBenchItems(24), 'release');
const nats = await startNatsServer();
const worker = await startWorkerProcess(nats.url, { region: REGION, zone: 'bench' }, MODELS, [
  '--log-level',
  'warn',
]);
const gateway = await startGatewayProcess(nats.url, REGION, ['--releases']);
const url = gateway.ready[1]!;
const connection = await connectToNats(nats.url, 'bench-release');
const rollouts = new RolloutStore(await NatsVersionedKv.open(connection, RELEASES_BUCKET));
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1000));

interface Phase {
  finalMs: number[];
  firstPartialMs: number[];
  completed: number;
  refused: number;
}

async function load(into: Phase): Promise<void> {
  const result = await runLoadtest(
    compileLoadtestConfig({
      target: url,
      manifest,
      streams: STREAMS,
      rampS: 3,
      durationS: DURATION_S,
      drainS: 60,
      mode: 'stream',
      model: 'asr-en',
      language: 'en',
      speechTimes: 'client',
    }),
  );
  for (const turn of result.turns) {
    if (turn.finalMs !== undefined) into.finalMs.push(turn.finalMs);
    if (turn.firstPartialMs !== undefined) into.firstPartialMs.push(turn.firstPartialMs);
  }
  into.completed += result.summary.completed;
  into.refused += result.summary.refused;
}

const phase = (): Phase => ({ finalMs: [], firstPartialMs: [], completed: 0, refused: 0 });

/** Opens a session as a user would (waiting out OVER_CAPACITY); which version serves it. */
async function servedBy(): Promise<{ model: string; session: ListenSession }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const session = await ListenSession.open(url, { model: 'asr-en', language: 'en' });
      return { model: `${session.ready?.model}@${session.ready?.model_version}`, session };
    } catch (err) {
      if (!(err instanceof VoxfleetError) || err.code !== 'OVER_CAPACITY' || attempt > 30)
        throw err;
      await new Promise((r) => setTimeout(r, err.details.retryAfterMs ?? 500));
    }
  }
}

async function startRollout(p: ReleasePlan): Promise<void> {
  await rollouts.register(p);
  await rollouts.apply(p.id, ({ plan: pl, state }) => start(pl, state, Date.now(), 'bench'));
}

try {
  console.log(
    `bench:release: ${STREAMS} streams, ${ROUNDS} rounds of ${DURATION_S} s without and with shadow, ${ROLLBACKS} rollbacks`,
  );
  const withoutTurns = phase();
  const withTurns = phase();
  // Rounds alternate which condition goes first, so neither gains from going first.
  for (let round = 0; round < ROUNDS; round++) {
    const id = `bench-shadow-${round}`;
    const shadowed = async (): Promise<void> => {
      await startRollout(plan(id, 'shadow'));
      await settle();
      await load(withTurns);
      await rollouts.apply(id, ({ state }) => rollback(state, Date.now(), 'bench', 'done'));
      await settle();
    };
    if (round % 2 === 0) {
      await load(withoutTurns);
      await shadowed();
    } else {
      await shadowed();
      await load(withoutTurns);
    }
  }
  const summarize = (p: Phase) => ({
    finalMs: summarizePercentiles(p.finalMs),
    firstPartialMs: summarizePercentiles(p.firstPartialMs),
    turns: p.finalMs.length,
    completed: p.completed,
    refused: p.refused,
  });
  const without = summarize(withoutTurns);
  const withShadow = summarize(withTurns);

  const rollbackMs: number[] = [];
  let switches = 0;
  for (let i = 0; i < ROLLBACKS; i++) {
    const id = `bench-full-${i}`;
    await startRollout(plan(id, 'full'));
    let served = await servedBy();
    const started = performance.now();
    while (served.model !== CANDIDATE && performance.now() - started < 5000) {
      await served.session.finish();
      served = await servedBy();
    }
    // Held open across the rollback: it must keep its version (no second ready).
    const open = served.session;
    let readies = 0;
    open.onEvent((e) => {
      if (e.type === 'ready') readies++;
    });
    await rollouts.apply(id, ({ state }) => rollback(state, Date.now(), 'bench', 'drill'));
    const decided = performance.now();
    for (;;) {
      const probe = await servedBy();
      await probe.session.finish();
      if (probe.model === BASELINE) break;
      if (performance.now() - decided > 10_000) throw new Error('rollback never reached sessions');
    }
    rollbackMs.push(performance.now() - decided);
    open.sendAudio(new Uint8Array(3200));
    await open.finish();
    if (readies > 0) switches++;
  }

  const p95 = (p: Percentiles | null): number | null => (p === null ? null : Math.round(p.p95));
  const overhead =
    without.finalMs !== null && withShadow.finalMs !== null
      ? withShadow.finalMs.p95 / without.finalMs.p95 - 1
      : null;
  const sorted = [...rollbackMs].sort((a, b) => a - b);
  const result = {
    schema: 'voxfleet.bench.release/1',
    createdAt: new Date().toISOString(),
    machine: describeMachine(),
    baseline: BASELINE,
    candidate: CANDIDATE,
    streams: STREAMS,
    duration_s: DURATION_S,
    rounds: ROUNDS,
    shadow_overhead: overhead === null ? null : +overhead.toFixed(3),
    primary: {
      without_shadow: {
        final_p95_ms: p95(without.finalMs),
        first_partial_p95_ms: p95(without.firstPartialMs),
        turns: without.turns,
        completed: without.completed,
        refused: without.refused,
      },
      with_shadow: {
        final_p95_ms: p95(withShadow.finalMs),
        first_partial_p95_ms: p95(withShadow.firstPartialMs),
        turns: withShadow.turns,
        completed: withShadow.completed,
        refused: withShadow.refused,
      },
    },
    rollback_ms: {
      runs: rollbackMs.map((v) => Math.round(v)),
      p50: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      max: Math.round(sorted.at(-1) ?? 0),
    },
    mid_stream_switches: switches,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/release.json', JSON.stringify(result, null, 2) + '\n');
  printTable(
    ['figure', 'value'],
    [
      ['primary final p95 without shadow (ms)', String(result.primary.without_shadow.final_p95_ms)],
      ['primary final p95 with 100 % shadow (ms)', String(result.primary.with_shadow.final_p95_ms)],
      ['shadow_overhead', String(result.shadow_overhead)],
      ['rollback_ms p50 / max', `${result.rollback_ms.p50} / ${result.rollback_ms.max}`],
      ['mid_stream_switches', String(switches)],
    ],
  );
  console.log(`machine: ${describeCpu(result.machine)}; wrote bench/results/release.json`);
} finally {
  await connection.close();
  await gateway.stop();
  await worker.stop();
  await nats.stop();
}
