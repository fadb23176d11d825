/**
 * Chaos on the real thing: two `voxfleet worker` processes and a `voxfleet gateway` process on
 * a real nats-server, real Whisper. The worker serving a live stream is killed with SIGKILL
 * mid-stream; the client's transcript must equal the undisturbed run's, with no final twice
 * and no error. Runs the built CLI (dist/, `npm run build` first).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListenSession, streamPcm16 } from '../src/client/index.js';
import type { StreamEvent } from '../src/core/index.js';
import { NatsFabric, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { DEV_AUDIO, MODELS_MIRROR, TEST_DATA_DIR } from './helpers/paths.js';
import { installModels } from './helpers/test-models.js';
import { startVoxfleet, type VoxfleetProcess } from './helpers/voxfleet-process.js';
import { finalsOf, pcm16kOf } from './helpers/recorded-audio.js';
import { assertWellFormedStream } from './helpers/stream-assertions.js';
import {
  duplicateFinals,
  lostWords,
  meanNewObservationMs,
  recordChaos,
} from './helpers/chaos-report.js';

const REGION = 'chaos';
const MODELS = ['whisper-tiny.en', 'silero-vad'];
let nats: NatsServer;
let workers: Map<string, VoxfleetProcess>;
let gateway: VoxfleetProcess;
let gatewayUrl: string;
let observerConnection: NatsConnection;
let observer: NatsFabric;

function workerArgs(id: string): string[] {
  return [
    'worker',
    ...['--nats', nats.url, '--region', REGION, '--zone', 'test', '--worker-id', id],
    ...['--heartbeat-ms', '250', '--models', MODELS.join(',')],
    ...['--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR, '--inference-threads', '1'],
    ...['--metrics-port', '0'],
  ];
}

before(async () => {
  // Installed here, once: two worker processes pulling into one folder at once would race.
  await installModels(MODELS);
  nats = await startNatsServer();
  const ids = ['chaos-w1', 'chaos-w2'];
  const started = await Promise.all(
    ids.map((id) => startVoxfleet(workerArgs(id), /voxfleet worker \S+ serving/)),
  );
  workers = new Map(ids.map((id, i) => [id, started[i]!]));
  gateway = await startVoxfleet(
    ['gateway', '--nats', nats.url, '--region', REGION, '--port', '0', '--log-level', 'warn'],
    /listening on (http:\/\/[^,\s]+)/,
  );
  gatewayUrl = gateway.ready[1]!;
  // A second view of the fleet, to see which worker carries the stream.
  observerConnection = await connectToNats(nats.url, 'observer');
  observer = await NatsFabric.start({ connection: observerConnection, regions: [REGION] });
  await observer.waitForWorkers((ws) => ws.filter((w) => w.state === 'ready').length === 2, 30_000);
});

after(async () => {
  await observer?.close();
  await observerConnection?.close();
  await gateway?.stop();
  await Promise.all([...(workers?.values() ?? [])].map((w) => w.stop()));
  await nats?.stop();
});

test('each worker process serves its own /metrics: the decode side the gateway cannot see', async () => {
  for (const w of workers.values()) {
    const url = /metrics at (http:\/\/\S+)/.exec(w.stderr())?.[1];
    assert.ok(url !== undefined, w.stderr());
    const text = await (await fetch(url)).text();
    assert.match(text, /^voxfleet_stream_capacity \d+/m);
    assert.match(text, /^# TYPE voxfleet_stream_admission_refusals_total counter$/m);
    assert.equal((await fetch(url.replace('/metrics', '/nope'))).status, 404);
  }
});

test('kill -9 of the worker serving a stream: same transcript, no final twice, no error', async (t) => {
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const stream = async (onEvent?: (e: StreamEvent, at: number) => void): Promise<StreamEvent[]> => {
    const session = await ListenSession.open(gatewayUrl, { language: 'en' });
    if (onEvent) session.onEvent((e) => onEvent(e, performance.now()));
    return streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 2 });
  };

  const undisturbed = await stream();
  const expected = finalsOf(undisturbed);
  assert.ok(expected.length >= 2, 'the file needs two utterances at least');

  let startedAt = 0;
  let finalsBeforeKill = 0;
  let killedAt = 0;
  let killedId = '';
  let firstAfterKill = 0;
  const killing: Promise<void>[] = [];
  const events = await stream((e, at) => {
    startedAt ||= at;
    if (killedAt === 0 && e.type === 'final') finalsBeforeKill++;
    if (killedAt > 0 && firstAfterKill === 0 && e.type !== 'error') firstAfterKill = at;
    // The first partial after the first final: the next utterance is under way and not final,
    // so its words exist only in the replay buffer when the worker dies.
    if (e.type !== 'partial' || finalsBeforeKill === 0 || killing.length > 0) return;
    killing.push(
      (async () => {
        const serving = observer.workers().find((w) => w.activeStreams > 0);
        assert.ok(serving !== undefined, 'no worker reports the stream');
        killedId = serving.id;
        killedAt = performance.now();
        await workers.get(serving.id)!.kill9();
      })(),
    );
  });
  await Promise.all(killing);
  assert.ok(killedAt > 0, 'the worker was never killed');

  assert.equal(
    events.filter((e) => e.type === 'error').length,
    0,
    JSON.stringify(events.filter((e) => e.type === 'error')),
  );
  // `ready` came before streaming began; the new worker's own `ready` is not passed on.
  assert.equal(events.filter((e) => e.type === 'ready').length, 0);
  // One stream as promised, across the failover: closed, stable text never shrinks, no final twice.
  assertWellFormedStream(events);
  const finals = finalsOf(events);
  assert.deepEqual(
    finals.map((f) => f.text),
    expected.map((f) => f.text),
  );
  assert.ok(finalsBeforeKill < finals.length, 'the kill came after the last final');
  t.diagnostic(
    `killed ${killedId} mid-utterance ${Math.round(killedAt - startedAt)} ms after the ` +
      `stream's first event, after ${finalsBeforeKill} of ${finals.length} finals; the next event came ` +
      `${Math.round(firstAfterKill - killedAt)} ms after the kill`,
  );
  // On-call sees it: the gateway counts the failover and how long it took.
  const metrics = await (await fetch(new URL('/metrics', gatewayUrl))).text();
  assert.match(metrics, /^voxfleet_stream_failover_seconds_count 1$/m);
  const got = finals.map((f) => f.text);
  recordChaos('worker_killed_mid_stream', {
    lost_words: lostWords(
      expected.map((f) => f.text),
      got,
    ),
    duplicate_finals: duplicateFinals(got),
    residency_violations: 0,
    failover_ms: Math.round(
      meanNewObservationMs('', metrics, 'voxfleet_stream_failover_seconds') ?? NaN,
    ),
    next_event_after_kill_ms: Math.round(firstAfterKill - killedAt),
  });
  // The survivor serves on; the dead one is gone from the gateway's view.
  await observer.waitForWorkers((ws) => ws.every((w) => w.id !== killedId), 10_000);
});

test('SIGTERM drains a worker: its open stream finishes there, then the process exits', async () => {
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const [id, survivor] = [...workers.entries()].find(
    ([, w]) => w.child.exitCode === null && w.child.signalCode === null,
  )!;
  await observer.waitForWorkers((ws) => ws.some((w) => w.id === id && w.state === 'ready'), 10_000);
  const session = await ListenSession.open(gatewayUrl, { language: 'en' });
  let signalled = false;
  session.onEvent((e) => {
    if (e.type !== 'final' || signalled) return;
    signalled = true;
    survivor.child.kill('SIGTERM');
  });
  const exited = new Promise<number | null>((r) => survivor.child.once('exit', (code) => r(code)));
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 2 });
  assert.ok(signalled);
  assert.equal(events.filter((e) => e.type === 'error').length, 0);
  assert.equal(events.at(-1)?.type, 'closed');
  assert.ok(finalsOf(events).length >= 2);
  assert.equal(await exited, 0);
  await observer.waitForWorkers((ws) => ws.length === 0, 10_000);
});
