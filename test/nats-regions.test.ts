/**
 * Regions and residency on a real three-region NATS supercluster (three clusters joined by
 * gateways, per-zone users with subject permissions). The workers are the fabric tests'
 * FakeWorkers, hosted over NATS exactly as real ones are, so what is checked here is routing:
 * the gateway (a real gateway app on a region's server) sends each caller to the nearest region
 * its tenant's zone allows, fails over to the next, refuses with RESIDENCY_UNAVAILABLE rather
 * than leave the zone, audits every cross-region decision, and NATS itself refuses a zone's
 * user any other zone's subjects. The same with real Whisper workers killed by SIGKILL is in
 * nats-regions-chaos.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection as RawConnection } from '@nats-io/transport-node';
import { ListenSession } from '../src/client/index.js';
import { VoxfleetError, compileServeConfig } from '../src/core/index.js';
import { NatsWorkerHost, connectToNats, type NatsConnection } from '../src/fabric/index.js';
import { apiKeyDigest, type FleetConfig } from '../src/routing/index.js';
import { type AuditEvent } from '../src/gateway/index.js';
import { FakeWorker } from '../src/fabric/testing/fake-worker.js';
import { openGatewayFabric, type GatewayFabric } from '../src/cli/gateway-fabric.js';
import { startGatewayServer, type GatewayServer } from '../src/cli/gateway-server.js';
import { Telemetry } from '../src/telemetry/index.js';
import { THREE_REGIONS } from './helpers/regions.js';
import {
  ADMIN,
  startSupercluster,
  zoneUser,
  type Supercluster,
} from './helpers/nats-supercluster.js';

const REGIONS = THREE_REGIONS;
const KEYS = { eu: 'key-eu-tenant', us: 'key-us-tenant', any: 'key-global-tenant' };
const FLEET: FleetConfig = {
  regions: REGIONS,
  tenants: [
    { id: 'acme-eu', zone: 'eu', keySha256: [apiKeyDigest(KEYS.eu)] },
    { id: 'acme-us', zone: 'us', keySha256: [apiKeyDigest(KEYS.us)] },
    { id: 'globex', keySha256: [apiKeyDigest(KEYS.any)] },
  ],
  zones: { eu: zoneUser('eu'), us: zoneUser('us') },
};

interface HostedWorker {
  readonly worker: FakeWorker;
  readonly connection: NatsConnection;
  host: NatsWorkerHost | undefined;
}

let cluster: Supercluster;
const workers = new Map<string, HostedWorker>();
let gatewayFabric: GatewayFabric;
let gateway: GatewayServer;
const audit: AuditEvent[] = [];
let monitor: RawConnection;
/** Every audio message the monitor saw anywhere in the supercluster: its subject. */
const audioSubjects: string[] = [];

async function hostWorker(region: string, zone: string): Promise<void> {
  const id = `w-${region}`;
  const entry = workers.get(id);
  const worker = entry?.worker ?? new FakeWorker(id);
  const connection =
    entry?.connection ?? (await connectToNats(cluster.url(region), id, zoneUser(zone)));
  const host = await NatsWorkerHost.start({
    connection,
    endpoint: worker,
    zone,
    region,
    heartbeatMs: 250,
  });
  workers.set(id, { worker, connection, host });
}

function streamsOn(region: string): number {
  return workers.get(`w-${region}`)?.worker.streams.length ?? 0;
}

async function openListen(options: { apiKey?: string; region?: string }): Promise<ListenSession> {
  return ListenSession.open(gateway.url, {
    ...options,
    encoding: 'pcm_s16le',
    sampleRateHz: 16000,
  });
}

before(async () => {
  cluster = await startSupercluster(REGIONS);
  for (const r of REGIONS) await hostWorker(r.name, r.zone);
  monitor = await connect({
    servers: cluster.url('us-east'),
    user: ADMIN.user,
    pass: ADMIN.password,
  });
  // The gateway sits in us-east: an eu tenant reaching it must still be served in eu.
  gatewayFabric = await openGatewayFabric({
    nats: cluster.url('us-east'),
    region: 'us-east',
    fleet: FLEET,
    missedHeartbeats: 3,
    failover: {},
    audit: (e) => audit.push(e),
  });
  const config = compileServeConfig(
    { host: '127.0.0.1', port: 0, logLevel: 'warn', console: false },
    {},
  );
  gateway = await startGatewayServer(gatewayFabric.fabric, new Telemetry(), config, {
    ...(gatewayFabric.fabricFor ? { fabricFor: gatewayFabric.fabricFor } : {}),
  });
  const deadline = Date.now() + 15_000;
  while (gatewayFabric.fabric.workers().length < REGIONS.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal(
    gatewayFabric.fabric.workers().length,
    REGIONS.length,
    'the gateway sees every region',
  );
});

after(async () => {
  await gateway?.app.close();
  await gatewayFabric?.close();
  await monitor?.close();
  for (const w of workers.values()) {
    await w.host?.destroy();
    await w.connection.close();
  }
  await cluster?.stop();
});

test('an eu tenant reaching a us gateway is served in the nearest eu region, and that is audited', async () => {
  const before = streamsOn('eu-west');
  audit.length = 0;
  const session = await openListen({ apiKey: KEYS.eu });
  session.sendAudio(new Uint8Array(3200));
  await session.finish();
  assert.equal(streamsOn('eu-west'), before + 1, 'eu-west is the eu region nearest to us-east');
  assert.deepEqual(audit, [
    {
      event: 'served_cross_region',
      tenant: 'acme-eu',
      zone: 'eu',
      from: 'us-east',
      to: 'eu-west',
      kind: 'stream',
    },
  ]);
});

test('a locality hint picks the nearest region; a us tenant served at home is not audited', async () => {
  const central = streamsOn('eu-central');
  audit.length = 0;
  const hinted = await openListen({ apiKey: KEYS.any, region: 'eu-central' });
  await hinted.finish();
  assert.equal(streamsOn('eu-central'), central + 1);
  const usBefore = streamsOn('us-east');
  const home = await openListen({ apiKey: KEYS.us });
  await home.finish();
  assert.equal(streamsOn('us-east'), usBefore + 1);
  assert.deepEqual(audit, [], 'both were served in the region the caller is in');
});

test('no key, an unknown key, an unknown region: refused before any worker is asked', async () => {
  const rest = await fetch(new URL('/v1/audio/transcriptions', gateway.url), { method: 'POST' });
  assert.equal(rest.status, 401);
  assert.equal(((await rest.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
  await assert.rejects(
    openListen({}),
    (err) => err instanceof VoxfleetError && err.code === 'UNAUTHENTICATED',
  );
  await assert.rejects(
    openListen({ apiKey: 'not-a-key' }),
    (err) => err instanceof VoxfleetError && err.code === 'UNAUTHENTICATED',
  );
  await assert.rejects(openListen({ apiKey: KEYS.any, region: 'mars' }), (err) => {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    assert.equal(err.details.field, 'region');
    return true;
  });
  const health = await fetch(new URL('/healthz', gateway.url));
  assert.equal(health.status, 200, 'health needs no key');
});

test('NATS itself refuses a zone user any other zone: an eu connection cannot reach a us worker', async () => {
  const euConnection = await connectToNats(cluster.url('eu-west'), 'leak-probe', zoneUser('eu'));
  const usSeen: string[] = [];
  const sub = monitor.subscribe('vf.us.>', {
    callback: (_e, m) => {
      usSeen.push(m.subject);
    },
  });
  await monitor.flush();
  euConnection.publish('vf.us.us-east.worker.w-us-east.stream', 'leak');
  await euConnection.flush().catch(() => undefined);
  await monitor.flush();
  await new Promise((r) => setTimeout(r, 300));
  sub.unsubscribe();
  await euConnection.close();
  assert.deepEqual(usSeen, [], 'the server dropped the publish: permissions violation');
});

test('no healthy eu worker: RESIDENCY_UNAVAILABLE, never a us worker, no eu audio on any other subject', async () => {
  // Subscribed to every subject of the fleet's account, in the us region. (Only now: with
  // nats-server 2.9 a `>` subscriber present while a gateway creates its cross-region watch
  // keeps that watch from starting; see docs/regions.md.)
  const everything = monitor.subscribe('>', {
    callback: (_err, msg) => {
      if (msg.headers?.get('Vf-Kind') === 'audio') audioSubjects.push(msg.subject);
    },
  });
  await monitor.flush();
  // An eu tenant streams; then both eu regions lose their workers mid-stream.
  const session = await openListen({ apiKey: KEYS.eu });
  const events: string[] = [];
  session.onEvent((e) => events.push(e.type === 'error' ? `error:${e.code}` : e.type));
  for (let i = 0; i < 5; i++) session.sendAudio(new Uint8Array(3200).fill(i));
  await new Promise((r) => setTimeout(r, 200));
  const usStreams = streamsOn('us-east');
  for (const region of ['eu-west', 'eu-central']) {
    const w = workers.get(`w-${region}`)!;
    await w.host!.destroy();
    w.host = undefined;
  }
  for (let i = 0; i < 5; i++) session.sendAudio(new Uint8Array(3200).fill(9));
  const closed = await session.closed;
  assert.equal(closed.code, 4503);
  assert.ok(events.includes('error:RESIDENCY_UNAVAILABLE'), events.join(','));
  assert.equal(streamsOn('us-east'), usStreams, 'the us worker never saw the eu stream');

  await assert.rejects(openListen({ apiKey: KEYS.eu }), (err) => {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'RESIDENCY_UNAVAILABLE');
    assert.ok(err.retryable);
    return true;
  });
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(100)]), 'a.wav');
  const rest = await fetch(new URL('/v1/audio/transcriptions', gateway.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.eu}` },
    body: form,
  });
  assert.equal(rest.status, 503);
  assert.ok(rest.headers.get('retry-after') !== null);
  assert.equal(
    ((await rest.json()) as { error: { code: string } }).error.code,
    'RESIDENCY_UNAVAILABLE',
  );
  assert.ok(audit.some((e) => e.event === 'residency_unavailable' && e.tenant === 'acme-eu'));

  await monitor.flush();
  assert.ok(audioSubjects.length >= 5, 'the monitor saw the tenant audio');
  everything.unsubscribe();
  const outside = audioSubjects.filter((s) => !s.startsWith('vf.eu.'));
  assert.deepEqual(outside, [], 'no eu audio on any subject outside vf.eu');

  // An unpinned tenant is still served (by us-east), so the gateway itself is fine.
  const other = await openListen({ apiKey: KEYS.any, region: 'eu-west' });
  await other.finish();
  assert.equal(streamsOn('us-east'), usStreams + 1);
  for (const r of REGIONS.filter((r) => r.zone === 'eu')) await hostWorker(r.name, r.zone);
});

test('cutting the link to a region: calls route around it at once, nothing hangs, it comes back', async () => {
  const deadline = Date.now() + 10_000;
  while (gatewayFabric.fabric.workers().length < REGIONS.length && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  cluster.cut('us-east', 'eu-central');
  const central = streamsOn('eu-central');
  const west = streamsOn('eu-west');
  const started = performance.now();
  const session = await openListen({ apiKey: KEYS.eu, region: 'eu-central' });
  const openedMs = performance.now() - started;
  await session.finish();
  const where = JSON.stringify(REGIONS.map((r) => [r.name, streamsOn(r.name)]));
  assert.equal(streamsOn('eu-central'), central, `eu-central is unreachable: ${where}`);
  assert.equal(streamsOn('eu-west'), west + 1, `served by the next eu region: ${where}`);
  assert.ok(openedMs < 2000, `opened in ${openedMs.toFixed(0)} ms`);
  cluster.mend('us-east', 'eu-central');
  // Back once the gateways have reconnected and a heartbeat came through: meanwhile calls
  // keep being served (by eu-west), never refused.
  const mended = performance.now();
  while (streamsOn('eu-central') === central && performance.now() - mended < 15_000) {
    const again = await openListen({ apiKey: KEYS.eu, region: 'eu-central' });
    await again.finish();
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(streamsOn('eu-central'), central + 1, 'the mended region serves again');
});
