/**
 * A release across a three-region NATS supercluster, region by region: one gateway per region
 * (each `--releases --release-controller`, on its zone's NATS user), workers in every region
 * (the fabric tests' FakeWorkers, hosted over NATS as real ones are: what is checked is which
 * version each region's callers are given, and that the steps advance on evidence pooled from
 * all three gateways). Real model serving under rollouts is in release-shadow.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenSession } from '../src/client/index.js';
import { compileServeConfig } from '../src/core/index.js';
import {
  NatsVersionedKv,
  NatsWorkerHost,
  connectToNats,
  type NatsConnection,
} from '../src/fabric/index.js';
import { FakeWorker, fakeAsrDescriptor } from '../src/fabric/testing/fake-worker.js';
import { openGatewayFabric, type GatewayFabric } from '../src/cli/gateway-fabric.js';
import { startGatewayServer, type GatewayServer } from '../src/cli/gateway-server.js';
import { RELEASES_BUCKET, RolloutStore, parsePlan, start } from '../src/release/index.js';
import { apiKeyDigest, type FleetConfig } from '../src/routing/index.js';
import { Telemetry } from '../src/telemetry/index.js';
import { THREE_REGIONS } from './helpers/regions.js';
import { HOLD_EVERYWHERE } from './helpers/release-steps.js';
import {
  ADMIN,
  startSupercluster,
  zoneUser,
  type Supercluster,
} from './helpers/nats-supercluster.js';

const REGIONS = THREE_REGIONS;
const KEY = 'release-regions-key';
const FLEET: FleetConfig = {
  regions: REGIONS,
  tenants: [{ id: 'globex', keySha256: [apiKeyDigest(KEY)] }],
  zones: { eu: zoneUser('eu'), us: zoneUser('us') },
};
const BASE = 'whisper-tiny.en@1.0.0';
const CAND = 'whisper-base@1.0.0';
const fullStep = (region: string) => ({
  name: `full-${region}`,
  kind: 'full',
  selector: { regions: [region], percent: 100 },
  minDurationS: 0,
  minSample: { sessions: 2 },
  maxDurationS: 600,
  gates: [{ metric: 'error_rate', max: 0.1 }],
});
const PLAN = parsePlan({
  id: 'by-region',
  model: 'asr-en',
  baseline: BASE,
  candidate: CAND,
  steps: [fullStep('eu-west'), fullStep('eu-central'), HOLD_EVERYWHERE],
});

let cluster: Supercluster;
const workers = new Map<string, FakeWorker>();
const hosts: NatsWorkerHost[] = [];
const connections: NatsConnection[] = [];
const gateways = new Map<string, { fabric: GatewayFabric; server: GatewayServer }>();
let rollouts: RolloutStore;

before(async () => {
  cluster = await startSupercluster(REGIONS);
  for (const r of REGIONS) {
    // Both versions announced: the fleet has synced them (gateways assign only what is there).
    const worker = new FakeWorker(`w-${r.name}`, { models: [BASE, CAND].map(fakeAsrDescriptor) });
    const connection = await connectToNats(
      cluster.url(r.name),
      worker.status().id,
      zoneUser(r.zone),
    );
    connections.push(connection);
    hosts.push(
      await NatsWorkerHost.start({
        connection,
        endpoint: worker,
        zone: r.zone,
        region: r.name,
        heartbeatMs: 250,
      }),
    );
    workers.set(r.name, worker);
  }
  const admin = await connectToNats(cluster.url('us-east'), 'release-admin', ADMIN);
  connections.push(admin);
  rollouts = new RolloutStore(await NatsVersionedKv.open(admin, RELEASES_BUCKET));
  const config = compileServeConfig(
    { host: '127.0.0.1', port: 0, logLevel: 'warn', console: false },
    {},
  );
  for (const r of REGIONS) {
    const fabric = await openGatewayFabric({
      nats: cluster.url(r.name),
      region: r.name,
      fleet: FLEET,
      releases: true,
      releaseController: true,
      failover: {},
      audit: () => undefined,
    });
    const server = await startGatewayServer(fabric.fabric, new Telemetry(), config, {
      ...(fabric.fabricFor ? { fabricFor: fabric.fabricFor } : {}),
    });
    gateways.set(r.name, { fabric, server });
  }
  const deadline = Date.now() + 15_000;
  for (const { fabric } of gateways.values())
    while (fabric.fabric.workers().length < REGIONS.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
});

after(async () => {
  for (const { fabric, server } of gateways.values()) {
    await server.app.close();
    await fabric.close();
  }
  for (const h of hosts) await h.destroy();
  for (const c of connections) await c.close();
  await cluster?.stop();
});

/** A session in `region` through that region's gateway; the version its worker was asked for. */
async function sessionIn(region: string): Promise<string | undefined> {
  const worker = workers.get(region)!;
  const before = worker.streams.length;
  const session = await ListenSession.open(gateways.get(region)!.server.url, {
    apiKey: KEY,
    model: 'asr-en',
  });
  session.sendAudio(new Uint8Array(3200));
  await session.finish();
  return worker.streams[before]?.request.model;
}

async function untilStep(name: string, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const state = (await rollouts.read(PLAN.id))?.rollout.state;
    if (
      state !== undefined &&
      PLAN.steps[state.stepIndex]?.name === name &&
      state.status === 'running'
    )
      return;
    if (performance.now() > deadline)
      throw new Error(`never reached ${name}: ${JSON.stringify(state?.audit)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a region's callers get once every gateway has seen the state (a 500 ms refresh). */
async function regionsServe(): Promise<Record<string, string | undefined>> {
  await new Promise((r) => setTimeout(r, 700));
  const out: Record<string, string | undefined> = {};
  for (const r of REGIONS) out[r.name] = await sessionIn(r.name);
  return out;
}

test('a release proceeds region by region across the supercluster, on evidence from every gateway', async () => {
  await rollouts.register(PLAN);
  await rollouts.apply(PLAN.id, ({ plan, state }) => start(plan, state, Date.now(), 'test'));
  assert.deepEqual(await regionsServe(), { 'eu-west': CAND, 'eu-central': BASE, 'us-east': BASE });
  // Two more candidate sessions in eu-west meet the step's sample; its gateway's evidence is
  // pooled, whichever gateway's controller holds the lease.
  await sessionIn('eu-west');
  await untilStep('full-eu-central', 15_000);
  assert.deepEqual(await regionsServe(), { 'eu-west': CAND, 'eu-central': CAND, 'us-east': BASE });
  await sessionIn('eu-central');
  await untilStep('everywhere', 15_000);
  assert.deepEqual(await regionsServe(), { 'eu-west': CAND, 'eu-central': CAND, 'us-east': CAND });
  const audit = (await rollouts.read(PLAN.id))!.rollout.state.audit;
  assert.deepEqual(
    audit.filter((e) => e.action === 'step_passed').map((e) => [e.step, e.actor]),
    [
      ['full-eu-west', 'controller'],
      ['full-eu-central', 'controller'],
    ],
  );
});
