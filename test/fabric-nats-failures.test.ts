/**
 * How the NATS fabric behaves when workers go away, on a real nats-server: missed heartbeats,
 * a worker that never answers, a worker whose subscriptions are gone, drain and destroy.
 * Timeouts run on a ManualClock: no test sleeps to prove one. (A wait on the manual clock never
 * times out by itself, so each test has a wall-clock bound: a failure cannot hang the suite.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, VoxfleetError, type StreamEvent } from '../src/core/index.js';
import {
  NatsFabric,
  NatsWorkerHost,
  connectToNats,
  type NatsConnection,
} from '../src/fabric/index.js';
import { openDiscoveryBucket } from '../src/fabric/nats/discovery.js';
import { messageHeaders } from '../src/fabric/nats/wire.js';
import { FakeWorker } from '../src/fabric/testing/fake-worker.js';
import { PCM16_STREAM_REQUEST } from '../src/fabric/testing/stream-request.js';
import { BreakerBoard } from '../src/routing/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';

let nats: NatsServer;
const connections: NatsConnection[] = [];
before(async () => {
  nats = await startNatsServer();
});
after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await nats?.stop();
});

let regions = 0;
async function connection(name: string): Promise<NatsConnection> {
  const c = await connectToNats(nats.url, name);
  connections.push(c);
  return c;
}

const streamRequest = PCM16_STREAM_REQUEST;

async function setUp(workers: FakeWorker[], heartbeatMs = 1000) {
  const region = `fail-${++regions}`;
  const clock = new ManualClock();
  // The workers' own clock: it stands still, so they announce only when told to.
  const workerClock = new ManualClock();
  const hosts = await Promise.all(
    workers.map(async (endpoint) =>
      NatsWorkerHost.start({
        connection: await connection(endpoint.status().id),
        endpoint,
        zone: 'test',
        region,
        heartbeatMs,
        clock: workerClock,
      }),
    ),
  );
  const gateway = await connection('gateway');
  const fabric = await NatsFabric.start({ connection: gateway, regions: [region], clock });
  await fabric.waitForWorkers((ws) => ws.length === workers.length, 5000);
  return { region, clock, workerClock, hosts, fabric, gateway };
}

test(
  'a worker that misses three heartbeats is dropped and its stream ends with WORKER_LOST',
  { timeout: 30_000 },
  async () => {
    const { clock, hosts, fabric } = await setUp([new FakeWorker('w-silent')]);
    const events: StreamEvent[] = [];
    const channel = await fabric.openStream(streamRequest, (e) => events.push(e));
    // The worker's clock stands still: it sends no more heartbeats. The gateway's moves on.
    // (The announcement's age in transit, a few wall-clock ms, counts against it too.)
    clock.advance(2900);
    assert.equal(fabric.workers().length, 1, 'three missed periods are tolerated');
    clock.advance(350);
    assert.equal(fabric.workers().length, 0);
    await channel.done;
    const last = events.at(-1);
    assert.equal(last?.type, 'error');
    assert.equal(last.type === 'error' && last.code, 'WORKER_LOST');
    await assert.rejects(
      fabric.openStream(streamRequest, () => undefined),
      { code: 'NOT_READY' },
    );
    await fabric.close();
    await hosts[0]!.destroy();
  },
);

test(
  'a worker that never answers the open: WORKER_LOST after openTimeoutMs on the clock',
  { timeout: 30_000 },
  async () => {
    const region = `fail-${++regions}`;
    const clock = new ManualClock();
    const ghost = await connection('ghost');
    // Subscribed (so no "no responders"), announced, but never replies.
    ghost.subscribe(`vf.test.${region}.worker.w-mute.*`, { callback: () => undefined });
    await ghost.flush();
    const bucket = await openDiscoveryBucket(ghost, region);
    const status = new FakeWorker('w-mute').status();
    await bucket.put(
      `test.${region}.w-mute`,
      JSON.stringify({ status, zone: 'test', region, heartbeatMs: 60_000 }),
    );
    const fabric = await NatsFabric.start({
      connection: await connection('gateway'),
      regions: [region],
      clock,
      openTimeoutMs: 2000,
    });
    await fabric.waitForWorkers((ws) => ws.length === 1, 5000);
    const opening = fabric.openStream(streamRequest, () => undefined);
    clock.advance(1999);
    clock.advance(1);
    await assert.rejects(opening, (err) => {
      assert.ok(err instanceof VoxfleetError);
      assert.equal(err.code, 'WORKER_LOST');
      assert.ok(err.retryable);
      return true;
    });
    await bucket.delete(`test.${region}.w-mute`);
    await fabric.close();
  },
);

test(
  'a worker that keeps timing out trips its breaker: skipped at once, then one half-open probe',
  { timeout: 30_000 },
  async () => {
    const region = `fail-${++regions}`;
    const clock = new ManualClock();
    const ghost = await connection('ghost');
    let mutedOpens = 0;
    ghost.subscribe(`vf.test.${region}.worker.w-mute.*`, { callback: () => void mutedOpens++ });
    await ghost.flush();
    const bucket = await openDiscoveryBucket(ghost, region);
    // The mute worker looks idle, the live one busy: the mute one is always tried first.
    const muteStatus = new FakeWorker('w-mute').status();
    await bucket.put(
      `test.${region}.w-mute`,
      JSON.stringify({ status: muteStatus, zone: 'test', region, heartbeatMs: 60_000 }),
    );
    const live = new FakeWorker('w-live', { activeStreams: 5 });
    const host = await NatsWorkerHost.start({
      connection: await connection('w-live'),
      endpoint: live,
      zone: 'test',
      region,
      heartbeatMs: 60_000,
      clock: new ManualClock(),
    });
    const health = new BreakerBoard(clock, {
      failures: 3,
      slowMs: 2000,
      openMs: 5000,
      maxOpenMs: 60_000,
    });
    const fabric = await NatsFabric.start({
      connection: await connection('gateway'),
      regions: [region],
      clock,
      openTimeoutMs: 2000,
      health,
    });
    await fabric.waitForWorkers((ws) => ws.length === 2, 5000);
    const openOnce = async (): Promise<void> => {
      const before = mutedOpens;
      const opening = fabric.openStream(streamRequest, () => undefined);
      let settled = false;
      void opening.then(
        () => (settled = true),
        () => (settled = true),
      );
      // Either the mute worker gets the open (then its timeout runs out on the clock) or the
      // open went straight to the live worker.
      while (!settled && mutedOpens === before) await ghost.flush();
      if (!settled) clock.advance(2000);
      (await opening).abort();
    };
    for (let i = 0; i < 3; i++) await openOnce();
    assert.equal(mutedOpens, 3, 'tried, timed out, moved on to the live worker: three times');
    assert.equal(health.get('worker:w-mute').state, 'open');
    await openOnce();
    assert.equal(mutedOpens, 3, 'open breaker: the mute worker is not even asked');
    assert.equal(live.streams.length, 4);
    clock.advance(5000);
    await openOnce();
    assert.equal(mutedOpens, 4, 'half-open: one probe');
    assert.equal(health.get('worker:w-mute').state, 'open', 'the probe failed: open again');
    await bucket.delete(`test.${region}.w-mute`);
    await fabric.waitForWorkers((ws) => ws.length === 1, 5000);
    assert.equal(health.has('worker:w-mute'), false, 'a worker gone from the fleet is forgotten');
    assert.equal(health.has('worker:w-live'), true);
    await fabric.close();
    await host.destroy();
  },
);

test(
  'a worker with no subscription left is forgotten and the call goes to the next one',
  { timeout: 30_000 },
  async () => {
    const live = new FakeWorker('w-live', { activeStreams: 5 });
    const { region, fabric, hosts, gateway } = await setUp([live]);
    // An announcement for a worker that is not there: its open finds no responder.
    const bucket = await openDiscoveryBucket(gateway, region);
    const ghost = new FakeWorker('w-ghost').status();
    await bucket.put(
      `test.${region}.w-ghost`,
      JSON.stringify({ status: ghost, zone: 'test', region, heartbeatMs: 60_000 }),
    );
    await fabric.waitForWorkers((ws) => ws.length === 2, 5000);
    const channel = await fabric.openStream(streamRequest, () => undefined);
    assert.equal(live.streams.length, 1, 'the idle ghost was tried first, then the live worker');
    assert.deepEqual(
      fabric.workers().map((w) => w.id),
      ['w-live'],
    );
    channel.abort();
    await fabric.close();
    await hosts[0]!.destroy();
  },
);

test(
  'close() drains: announced at once, no new calls, the open stream finishes, then it leaves',
  { timeout: 30_000 },
  async () => {
    const worker = new FakeWorker('w-drain');
    const { fabric, hosts, clock, workerClock } = await setUp([worker]);
    const host = hosts[0]!;
    const events: StreamEvent[] = [];
    const channel = await fabric.openStream(streamRequest, (e) => events.push(e));
    const closing = host.close();
    await fabric.waitForWorkers((ws) => ws[0]?.state === 'draining', 5000);
    await assert.rejects(
      fabric.openStream(streamRequest, () => undefined),
      { code: 'NOT_READY' },
    );
    channel.pushAudio(new Uint8Array(3200));
    channel.control({ type: 'close' });
    await channel.done;
    await closing;
    assert.equal(events.at(-1)?.type, 'closed');
    assert.equal(host.hostState, 'stopped');
    await fabric.waitForWorkers((ws) => ws.length === 0, 5000);
    await fabric.close();
    // Neither side leaves a timer behind.
    assert.equal(workerClock.pendingTimers(), 0);
    assert.equal(clock.pendingTimers(), 0);
  },
);

test(
  'destroy() ends open streams at once with WORKER_LOST, without waiting for heartbeats',
  { timeout: 30_000 },
  async () => {
    const { fabric, hosts } = await setUp([new FakeWorker('w-destroy')]);
    const events: StreamEvent[] = [];
    const channel = await fabric.openStream(streamRequest, (e) => events.push(e));
    await hosts[0]!.destroy();
    await channel.done;
    const last = events.at(-1);
    assert.equal(last?.type === 'error' && last.code, 'WORKER_LOST');
    await fabric.close();
  },
);

test(
  'a stream whose gateway vanished is ended by its worker when the lease runs out',
  { timeout: 30_000 },
  async () => {
    const worker = new FakeWorker('w-lease');
    // Long heartbeats: the gateway keeps the worker while its clock runs on.
    const { workerClock, clock, hosts, fabric, gateway } = await setUp([worker], 60_000);
    await fabric.openStream(streamRequest, () => undefined);
    // Keepalives keep it: the gateway's clock sends one every 5 s.
    for (let t = 0; t < 6; t++) {
      clock.advance(5000);
      await gateway.flush();
      // A round trip from the worker's side: the keepalive before it has been handled.
      await hosts[0]!.announce();
      workerClock.advance(5000);
    }
    assert.equal(worker.streams[0]!.aborted, false);
    assert.equal(hosts[0]!.openCalls, 1);
    // The gateway goes away without a word.
    await fabric.close();
    await gateway.close();
    // The last keepalive was heard 5 s ago: 15 s more make the 20 s lease, not more.
    workerClock.advance(15_000);
    assert.equal(worker.streams[0]!.aborted, false, 'the lease lasts 20 s');
    workerClock.advance(5000);
    assert.equal(worker.streams[0]!.aborted, true);
    await flushed(hosts[0]!);
    assert.equal(hosts[0]!.openCalls, 0);
    await hosts[0]!.destroy();
  },
);

/** The host forgets a call once its `done` has settled (a microtask later). */
async function flushed(host: NatsWorkerHost): Promise<void> {
  for (let i = 0; i < 10 && host.openCalls > 0; i++) await new Promise((r) => setImmediate(r));
}

test(
  'input with a gap (a lost frame) ends the call with INTERNAL instead of a holed transcript',
  { timeout: 30_000 },
  async () => {
    const worker = new FakeWorker('w-gap');
    const { region, hosts, gateway } = await setUp([worker]);
    const base = `vf.test.${region}.worker.w-gap`;
    const replies: { kind: string | undefined; body: string }[] = [];
    gateway.subscribe(`${base}.call.c1.out`, {
      callback: (_err, msg) => {
        replies.push({ kind: msg.headers?.get('Vf-Kind'), body: msg.string() });
      },
    });
    gateway.publish(`${base}.stream`, JSON.stringify({ callId: 'c1', request: streamRequest }), {
      reply: `${base}.call.c1.out`,
      headers: messageHeaders('open', 0),
    });
    await gateway.flush();
    await hosts[0]!.announce();
    gateway.publish(`${base}.call.c1.in`, new Uint8Array(320), {
      headers: messageHeaders('audio', 1),
    });
    gateway.publish(`${base}.call.c1.in`, new Uint8Array(320), {
      headers: messageHeaders('audio', 3),
    });
    await gateway.flush();
    await hosts[0]!.announce();
    await gateway.flush();
    assert.equal(worker.streams[0]!.frames.length, 1);
    assert.equal(worker.streams[0]!.aborted, true);
    const last = replies.at(-1);
    assert.equal(last?.kind, 'error');
    assert.equal((JSON.parse(last.body) as { code: string }).code, 'INTERNAL');
    await hosts[0]!.destroy();
  },
);

test(
  'a worker process that is gone is noticed at the next frame, not after its heartbeats',
  { timeout: 30_000 },
  async () => {
    const region = `fail-${++regions}`;
    const clock = new ManualClock();
    const workerConnection = await connectToNats(nats.url, 'w-vanish');
    const host = await NatsWorkerHost.start({
      connection: workerConnection,
      endpoint: new FakeWorker('w-vanish'),
      zone: 'test',
      region,
      clock: new ManualClock(),
    });
    const gateway = await connection('gateway');
    const fabric = await NatsFabric.start({ connection: gateway, regions: [region], clock });
    await fabric.waitForWorkers((ws) => ws.length === 1, 5000);
    const events: StreamEvent[] = [];
    const channel = await fabric.openStream(streamRequest, (e) => events.push(e));
    // Like kill -9: the connection drops and the server forgets the worker's subscriptions.
    await workerConnection.close();
    // Frames keep coming, as from a live client; the first one the server sees after it has
    // dropped the worker's subscriptions comes back as "no responders". The clock never moves.
    let ended = false;
    void channel.done.then(() => (ended = true));
    for (let i = 0; i < 100 && !ended; i++) {
      channel.pushAudio(new Uint8Array(3200));
      await gateway.flush();
    }
    await channel.done;
    const last = events.at(-1);
    assert.equal(last?.type === 'error' && last.code, 'WORKER_LOST');
    assert.deepEqual(fabric.workers(), [], 'the gateway forgot the worker at once');
    await fabric.close();
    await host.destroy();
  },
);

test(
  'a NATS server without JetStream: NOT_READY that says how to fix it',
  { timeout: 30_000 },
  async () => {
    const plain = await startNatsServer({ jetstream: false });
    const c = await connectToNats(plain.url, 'no-js');
    try {
      await assert.rejects(NatsFabric.start({ connection: c, regions: ['local'] }), (err) => {
        assert.ok(err instanceof VoxfleetError);
        assert.equal(err.code, 'NOT_READY');
        assert.match(err.message, /-js/);
        return true;
      });
    } finally {
      await c.close();
      await plain.stop();
    }
  },
);
