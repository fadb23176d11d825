/**
 * Failover under kill -9, measured: three `voxfleet worker` processes and a `voxfleet gateway`
 * process on a local nats-server (the built CLI, `npm run build` first). One stream of four
 * dev-set utterances joined by 1 s pauses is sent undisturbed, then again once per kill point,
 * killing the worker that carries it with SIGKILL at the first partial after that point (mid
 * utterance) and starting a replacement worker. Per run: finals equal to the undisturbed run's,
 * words lost or added against it, finals repeated, the time from the kill to the stream being
 * live on another worker (the gateway's log line, replay sent) and the client's silence after it.
 *
 *   npm run build && node --import tsx bench/failover.ts [pace]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListenSession, streamPcm16 } from '../src/client/index.js';
import { decodeAudioFile, resample, toPcm16, type StreamEvent } from '../src/core/index.js';
import { normalizeText, wordErrorRate } from '../src/eval/index.js';
import { NatsFabric, connectToNats } from '../src/fabric/index.js';
import { openModelStore } from '../src/registry/index.js';
import { startNatsServer } from '../test/helpers/nats-server.js';
import { DEV_AUDIO, MODELS_MIRROR, TEST_DATA_DIR } from '../test/helpers/paths.js';
import { startVoxfleet, type VoxfleetProcess } from '../test/helpers/voxfleet-process.js';

const PACE = Number(process.argv[2] ?? 2);
const ITEMS = ['1089-134686-0000', 'LJ001-0017', 'LJ001-0059', 'LJ002-0014'];
const KILL_AT = [0.2, 0.45, 0.7];
const MODELS = ['whisper-tiny.en', 'silero-vad'];
const REGION = 'bench-failover';

const store = openModelStore(TEST_DATA_DIR);
for (const m of MODELS)
  if (store.resolve(m) === undefined) await store.pull(m, { mirrorDir: MODELS_MIRROR });

async function pcm16k(path: string): Promise<Int16Array> {
  const audio = await resample(
    await decodeAudioFile(new Uint8Array(readFileSync(path)), {
      maxDurationS: 600,
      maxChannels: 2,
    }),
    16000,
  );
  const bytes = toPcm16(audio.samples);
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

const parts = await Promise.all(ITEMS.map((id) => pcm16k(join(DEV_AUDIO, `${id}.wav`))));
const pause = new Int16Array(16000);
const joined = new Int16Array(parts.reduce((n, p) => n + p.length + pause.length, 0));
let at = 0;
for (const p of parts) {
  joined.set(p, at);
  at += p.length + pause.length;
}
const pcm = new Uint8Array(joined.buffer);
const audioS = joined.length / 16000;

const nats = await startNatsServer();
const workers = new Map<string, VoxfleetProcess>();
let nextWorker = 1;
async function startWorker(): Promise<void> {
  const id = `bench-w${nextWorker++}`;
  const args = [
    'worker',
    '--nats',
    nats.url,
    '--region',
    REGION,
    '--zone',
    'bench',
    '--worker-id',
    id,
  ];
  args.push('--heartbeat-ms', '250', '--models', MODELS.join(','), '--data-dir', TEST_DATA_DIR);
  args.push('--inference-threads', '1');
  workers.set(id, await startVoxfleet(args, /voxfleet worker \S+ serving/));
}
const gateway = await startVoxfleet(
  // Info level: the gateway logs each failover with its timing (ids and times only).
  ['gateway', '--nats', nats.url, '--region', REGION, '--port', '0', '--log-level', 'info'],
  /listening on (http:\/\/[^,\s]+)/,
);
const url = gateway.ready[1]!;
const observerConnection = await connectToNats(nats.url, 'bench-observer');
const observer = await NatsFabric.start({ connection: observerConnection, regions: [REGION] });

type Final = Extract<StreamEvent, { type: 'final' }>;
const finalsOf = (events: readonly StreamEvent[]): Final[] =>
  events.filter((e): e is Final => e.type === 'final');

/** When the gateway logged its n-th failover (pino's `time`, epoch ms). */
function failoverLoggedAt(n: number): number {
  const lines = gateway
    .stdout()
    .split('\n')
    .filter((l) => l.includes('"stream failed over"'));
  const line = lines[n];
  return line === undefined ? NaN : (JSON.parse(line) as { time: number }).time;
}

let failovers = 0;

async function run(
  killAtS?: number,
): Promise<{ events: StreamEvent[]; silenceMs: number; failoverMs: number }> {
  await observer.waitForWorkers((ws) => ws.filter((w) => w.state === 'ready').length >= 3, 60_000);
  const session = await ListenSession.open(url, { language: 'en' });
  const t0 = performance.now();
  let killedAt = 0;
  let killedEpochMs = 0;
  let nextEventAt = 0;
  let kill: Promise<void> | undefined;
  session.onEvent((e) => {
    const now = performance.now();
    if (killedAt > 0 && nextEventAt === 0) nextEventAt = now;
    const sentS = ((now - t0) / 1000) * PACE;
    if (killAtS === undefined || kill !== undefined || e.type !== 'partial' || sentS < killAtS)
      return;
    const serving = observer.workers().find((w) => w.activeStreams > 0);
    if (serving === undefined) return;
    killedAt = performance.now();
    killedEpochMs = Date.now();
    kill = workers
      .get(serving.id)!
      .kill9()
      .then(() => {
        workers.delete(serving.id);
      });
  });
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: PACE });
  await kill;
  if (killAtS !== undefined) await startWorker();
  const failoverMs = killedAt > 0 ? failoverLoggedAt(failovers++) - killedEpochMs : NaN;
  return { events, silenceMs: killedAt > 0 ? nextEventAt - killedAt : NaN, failoverMs };
}

try {
  await Promise.all([startWorker(), startWorker(), startWorker()]);
  const base = finalsOf((await run()).events);
  const baseText = normalizeText(base.map((f) => f.text).join(' '));
  console.log(
    `stream: ${audioS.toFixed(1)} s of audio, ${base.length} finals undisturbed, pace ${PACE}x`,
  );
  console.log(
    'kill at | finals equal | words lost | words added | finals repeated | errors | failed over | silence after kill',
  );
  for (const fraction of KILL_AT) {
    const { events, silenceMs, failoverMs } = await run(fraction * audioS);
    const finals = finalsOf(events);
    const w = wordErrorRate(baseText, normalizeText(finals.map((f) => f.text).join(' ')));
    let repeated = 0;
    for (let i = 1; i < finals.length; i++)
      if (finals[i]!.start_s < finals[i - 1]!.end_s - 1e-6) repeated++;
    const equal =
      JSON.stringify(finals.map((f) => f.text)) === JSON.stringify(base.map((f) => f.text));
    const errors = events.filter((e) => e.type === 'error').length;
    console.log(
      `${(fraction * audioS).toFixed(1).padStart(5)} s | ${String(equal).padEnd(12)} | ${String(w.deletions + w.substitutions).padEnd(10)} | ${String(w.insertions).padEnd(11)} | ${String(repeated).padEnd(15)} | ${String(errors).padEnd(6)} | ${`${Math.round(failoverMs)} ms`.padEnd(11)} | ${Math.round(silenceMs)} ms`,
    );
  }
} finally {
  await observer.close();
  await observerConnection.close();
  await gateway.stop();
  await Promise.all([...workers.values()].map((w) => w.stop()));
  await nats.stop();
}
