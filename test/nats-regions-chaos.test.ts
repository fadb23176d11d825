/**
 * Chaos across regions on the real thing: a three-region NATS supercluster (eu-west in zone
 * eu; us-east and us-west in zone us), one `voxfleet worker` process with real Whisper per
 * region, each on its zone's NATS user, and one `voxfleet gateway` process with a fleet file,
 * attached to us-east. Three scenarios, in this order:
 *
 * 1. the gateway link between us-east and us-west is cut under a us-west stream: it fails over
 *    to us-east, transcript unchanged, nothing hangs; the link is mended;
 * 2. every worker of us-east is killed (SIGKILL) under a us-east stream: it resumes in us-west
 *    and a new session is served there within 2 s;
 * 3. the only eu region's worker is killed under an eu tenant's stream: RESIDENCY_UNAVAILABLE,
 *    and a monitor subscribed to every subject sees none of its audio outside `vf.eu.`.
 *
 * Runs the built CLI (dist/, `npm run build` first). `npm run test:chaos` keeps the figures.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection as RawConnection } from '@nats-io/transport-node';
import { ListenSession, streamPcm16 } from '../src/client/index.js';
import { VoxfleetError, type StreamEvent } from '../src/core/index.js';
import { NatsFabric, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import { apiKeyDigest, type FleetConfig } from '../src/routing/index.js';
import {
  duplicateFinals,
  lostWords,
  meanNewObservationMs,
  recordChaos,
} from './helpers/chaos-report.js';
import {
  ADMIN,
  startSupercluster,
  zoneUser,
  type Supercluster,
} from './helpers/nats-supercluster.js';
import { DEV_AUDIO, MODELS_MIRROR, TEST_DATA_DIR } from './helpers/paths.js';
import { installModels } from './helpers/test-models.js';
import { finalsOf, pcm16kOf } from './helpers/recorded-audio.js';
import { assertWellFormedStream } from './helpers/stream-assertions.js';
import { startVoxfleet, type VoxfleetProcess } from './helpers/voxfleet-process.js';

const MODELS = ['whisper-tiny.en', 'silero-vad'];
const REGIONS = [
  { name: 'eu-west', zone: 'eu', location: { lat: 53.3, lon: -6.3 } },
  { name: 'us-east', zone: 'us', location: { lat: 39.0, lon: -77.5 } },
  { name: 'us-west', zone: 'us', location: { lat: 45.6, lon: -121.2 } },
];
const KEYS = { eu: 'chaos-eu-key', us: 'chaos-us-key' };
const FLEET: FleetConfig = {
  regions: REGIONS,
  tenants: [
    { id: 'tenant-eu', zone: 'eu', keySha256: [apiKeyDigest(KEYS.eu)] },
    { id: 'tenant-us', zone: 'us', keySha256: [apiKeyDigest(KEYS.us)] },
  ],
  zones: { eu: zoneUser('eu'), us: zoneUser('us') },
};
const FAILOVER_METRIC = 'voxfleet_stream_failover_seconds';

let cluster: Supercluster;
let dir: string;
const workers = new Map<string, VoxfleetProcess>();
let gateway: VoxfleetProcess;
let gatewayUrl: string;
let observerConnection: NatsConnection;
let observer: NatsFabric;
let pcm: Uint8Array;
let expected: string[];

function natsUrlFor(region: string, zone: string): string {
  const { user, password } = zoneUser(zone);
  return cluster.url(region).replace('nats://', `nats://${user}:${password}@`);
}

async function startWorker(region: string, zone: string): Promise<void> {
  const id = `w-${region}`;
  const args = [
    'worker',
    ...['--nats', natsUrlFor(region, zone), '--region', region, '--zone', zone],
    ...['--worker-id', id, '--heartbeat-ms', '250', '--models', MODELS.join(',')],
    ...['--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR, '--inference-threads', '1'],
  ];
  workers.set(id, await startVoxfleet(args, /voxfleet worker \S+ serving/));
}

async function gatewayWorkers(): Promise<Array<{ id: string; state: string }>> {
  const fleet = (await (await fetch(new URL('/v1/fleet', gatewayUrl))).json()) as {
    workers: Array<{ id: string; state: string }>;
  };
  return fleet.workers;
}

async function untilGatewaySees(predicate: (ids: string[]) => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const ids = (await gatewayWorkers()).filter((w) => w.state === 'ready').map((w) => w.id);
    if (predicate(ids)) return;
    if (performance.now() > deadline) throw new Error(`gateway sees ${ids.join(',')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const metrics = async (): Promise<string> => (await fetch(new URL('/metrics', gatewayUrl))).text();

/** Streams the recording for a tenant; `disturb` runs once, mid-utterance after the first final. */
async function streamDisturbed(
  apiKey: string,
  region: string | undefined,
  disturb: () => Promise<void>,
): Promise<{
  events: StreamEvent[];
  finalsBefore: number;
  /** From the disturbance to the next event the client got: detection plus failover. */
  nextEventMs: number;
}> {
  const session = await ListenSession.open(gatewayUrl, {
    language: 'en',
    apiKey,
    ...(region !== undefined ? { region } : {}),
  });
  let finalsBefore = 0;
  let disturbedAt = 0;
  let nextEventAt = 0;
  const disturbing: Promise<void>[] = [];
  session.onEvent((e) => {
    if (disturbedAt > 0 && nextEventAt === 0) nextEventAt = performance.now();
    if (disturbedAt === 0 && e.type === 'final') finalsBefore++;
    // The first partial after the first final: the next utterance is under way and only in
    // the replay buffer when the disturbance hits.
    if (e.type !== 'partial' || finalsBefore === 0 || disturbing.length > 0) return;
    disturbedAt = performance.now();
    disturbing.push(disturb());
  });
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 2 });
  await Promise.all(disturbing);
  assert.ok(disturbedAt > 0, 'the disturbance never ran');
  return { events, finalsBefore, nextEventMs: nextEventAt - disturbedAt };
}

function assertSameTranscript(events: readonly StreamEvent[]): string[] {
  assert.deepEqual(
    events.filter((e) => e.type === 'error'),
    [],
  );
  assertWellFormedStream(events);
  const got = finalsOf(events).map((f) => f.text);
  assert.deepEqual(got, expected);
  return got;
}

before(async () => {
  // Installed here, once: three worker processes pulling into one folder at once would race.
  await installModels(MODELS);
  pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  cluster = await startSupercluster(REGIONS);
  dir = mkdtempSync(join(tmpdir(), 'vf-regions-chaos-'));
  const fleetFile = join(dir, 'fleet.json');
  writeFileSync(fleetFile, JSON.stringify(FLEET));
  await Promise.all(REGIONS.map((r) => startWorker(r.name, r.zone)));
  gateway = await startVoxfleet(
    [
      'gateway',
      ...['--nats', cluster.url('us-east'), '--region', 'us-east', '--fleet', fleetFile],
      ...['--port', '0', '--log-level', 'warn', '--no-console', '--missed-heartbeats', '3'],
    ],
    /listening on (http:\/\/[^,\s]+)/,
  );
  gatewayUrl = gateway.ready[1]!;
  await untilGatewaySees((ids) => ids.length === REGIONS.length);
  // Which worker carries a stream, seen from outside the gateway.
  observerConnection = await connectToNats(cluster.url('us-east'), 'observer', ADMIN);
  observer = await NatsFabric.start({
    connection: observerConnection,
    regions: REGIONS.map((r) => r.name),
  });
  await observer.waitForWorkers((ws) => ws.length === REGIONS.length, 30_000);
  // The undisturbed transcript, from the us tenant at home.
  const session = await ListenSession.open(gatewayUrl, { language: 'en', apiKey: KEYS.us });
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 2 });
  expected = finalsOf(events).map((f) => f.text);
  assert.ok(expected.length >= 2, 'the recording needs two utterances at least');
});

after(async () => {
  await observer?.close();
  await observerConnection?.close();
  await gateway?.stop();
  await Promise.all([...workers.values()].map((w) => w.stop()));
  await cluster?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('cut the us-east <-> us-west link under a us-west stream: it moves to us-east, same words', async (t) => {
  const before = await metrics();
  const { events, finalsBefore, nextEventMs } = await streamDisturbed(
    KEYS.us,
    'us-west',
    async () => {
      assert.equal(
        observer.workers().find((w) => w.activeStreams > 0)?.id,
        'w-us-west',
        'the nearest us region serves the stream',
      );
      cluster.cut('us-east', 'us-west');
    },
  );
  const got = assertSameTranscript(events);
  const failoverMs = meanNewObservationMs(before, await metrics(), FAILOVER_METRIC);
  assert.ok(failoverMs !== null, 'the gateway counted a failover');
  recordChaos('gateway_link_cut', {
    lost_words: lostWords(expected, got),
    duplicate_finals: duplicateFinals(got),
    residency_violations: 0,
    failover_ms: Math.round(failoverMs),
    finals_before_cut: finalsBefore,
    next_event_after_cut_ms: Math.round(nextEventMs),
  });
  t.diagnostic(`failover ${Math.round(failoverMs)} ms after the loss was noticed`);
  cluster.mend('us-east', 'us-west');
  await untilGatewaySees((ids) => ids.includes('w-us-west'));
});

test('kill every us-east worker under a us-east stream: it resumes in us-west; new sessions within 2 s', async (t) => {
  const before = await metrics();
  let newSessionMs = Number.NaN;
  const { events, nextEventMs } = await streamDisturbed(KEYS.us, undefined, async () => {
    assert.equal(observer.workers().find((w) => w.activeStreams > 0)?.id, 'w-us-east');
    await workers.get('w-us-east')!.kill9();
    const killed = performance.now();
    const fresh = await ListenSession.open(gatewayUrl, { language: 'en', apiKey: KEYS.us });
    newSessionMs = performance.now() - killed;
    await fresh.finish();
  });
  const got = assertSameTranscript(events);
  assert.ok(
    newSessionMs < 2000,
    `a new session was ready ${newSessionMs.toFixed(0)} ms after the kill`,
  );
  const failoverMs = meanNewObservationMs(before, await metrics(), FAILOVER_METRIC);
  assert.ok(failoverMs !== null, 'the gateway counted a failover');
  recordChaos('region_workers_killed', {
    lost_words: lostWords(expected, got),
    duplicate_finals: duplicateFinals(got),
    residency_violations: 0,
    failover_ms: Math.round(failoverMs),
    new_session_ready_ms: Math.round(newSessionMs),
    next_event_after_kill_ms: Math.round(nextEventMs),
  });
  t.diagnostic(
    `failover ${Math.round(failoverMs)} ms; new session ready ${Math.round(newSessionMs)} ms after the kill`,
  );
});

test('kill the only eu region under an eu stream: RESIDENCY_UNAVAILABLE, no eu audio outside vf.eu', async (t) => {
  let monitor: RawConnection | undefined;
  const audio: string[] = [];
  try {
    monitor = await connect({
      servers: cluster.url('us-west'),
      user: ADMIN.user,
      pass: ADMIN.password,
    });
    monitor.subscribe('>', {
      callback: (_err, msg) => {
        if (msg.headers?.get('Vf-Kind') === 'audio') audio.push(msg.subject);
      },
    });
    await monitor.flush();
    const session = await ListenSession.open(gatewayUrl, { language: 'en', apiKey: KEYS.eu });
    let finals = 0;
    let killed: Promise<void> | undefined;
    session.onEvent((e) => {
      if (e.type === 'final') finals++;
      if (e.type === 'partial' && finals > 0 && killed === undefined)
        killed = workers.get('w-eu-west')!.kill9();
    });
    const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 2 });
    await killed;
    const closed = await session.closed;
    const errors = events.filter((e) => e.type === 'error');
    assert.deepEqual(
      errors.map((e) => e.type === 'error' && e.code),
      ['RESIDENCY_UNAVAILABLE'],
    );
    assert.equal(closed.code, 4503);
    await assert.rejects(
      ListenSession.open(gatewayUrl, { language: 'en', apiKey: KEYS.eu }),
      (err) => err instanceof VoxfleetError && err.code === 'RESIDENCY_UNAVAILABLE',
    );
    await monitor.flush();
    assert.ok(audio.length > 10, 'the monitor saw the tenant audio');
    const outside = audio.filter((s) => !s.startsWith('vf.eu.'));
    assert.deepEqual(outside, [], 'no eu audio on a subject outside vf.eu');
    const delivered = finalsOf(events).map((f) => f.text);
    recordChaos('only_eu_region_killed', {
      lost_words: null,
      words_not_transcribed_after_refusal: lostWords(expected, delivered),
      duplicate_finals: duplicateFinals(delivered),
      residency_violations: outside.length,
      failover_ms: null,
      outcome: 'RESIDENCY_UNAVAILABLE',
      audio_messages_seen: audio.length,
    });
    t.diagnostic(`${audio.length} audio messages seen, all on vf.eu subjects`);
  } finally {
    await monitor?.close();
  }
});
