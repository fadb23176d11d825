import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ManualClock } from '../../core/index.js';
import { InProcessFabric } from '../../fabric/index.js';
import { FakeWorker } from '../../fabric/testing/fake-worker.js';
import { MetricsHistory, Telemetry } from '../../telemetry/index.js';
import { registerFleetRoutes } from './fleet.js';

interface FleetJson {
  workers: unknown[];
  regions: unknown[];
  latency_bounds_s: number[];
  points: { final_latency_counts: number[]; errors: object; refusals: object }[];
  totals: { errors: object };
}

/** Lets the snapshot reads started by a timer settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function fleetApp() {
  const telemetry = new Telemetry({ defaultMetrics: false });
  const clock = new ManualClock(0);
  const history = new MetricsHistory(telemetry, clock, { intervalMs: 2000, windowMs: 60_000 });
  await history.start();
  const fabric = new InProcessFabric();
  fabric.register(new FakeWorker('wrk_a', { activeStreams: 2, streamCapacity: 6 }));
  const app = Fastify();
  registerFleetRoutes(app, { fabric, history, rollingWindowMs: 60_000 });
  app.addHook('onClose', async () => history.stop());
  return { app, telemetry, clock };
}

test('GET /v1/fleet: workers from the fabric, points and totals from the metrics', async (t) => {
  const { app, telemetry, clock } = await fleetApp();
  t.after(() => app.close());
  telemetry.streamFinalSent('fake-asr', 400, 2, 100);
  telemetry.errorReturned('OVER_CAPACITY');
  telemetry.streamRefused('headroom');
  clock.advance(2000);
  await settle();

  const body = (await app.inject({ url: '/v1/fleet' })).json<FleetJson>();
  assert.deepEqual(body.workers[0], {
    id: 'wrk_a',
    state: 'ready',
    models: [{ name: 'fake-asr', version: '1', kind: 'asr' }],
    active_streams: 2,
    stream_capacity: 6,
    max_streams: 10,
    decodes_running: 0,
    decodes_queued: 0,
  });
  assert.deepEqual(body.regions, []);
  assert.equal(body.points.length, 1);
  const point = body.points[0]!;
  assert.equal(point.final_latency_counts[body.latency_bounds_s.indexOf(0.5)], 1);
  assert.deepEqual(point.errors, { OVER_CAPACITY: 1 });
  assert.deepEqual(point.refusals, { headroom: 1 });
  assert.deepEqual(body.totals.errors, { OVER_CAPACITY: 1 });
});

test('GET /v1/fleet/events: the window first, then one point per tick; closing ends the stream', async () => {
  const { app, clock } = await fleetApp();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const response = await fetch(`${url}/v1/fleet/events`);
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  const nextEvent = async (): Promise<{ event: string; data: { points: unknown[] } }> => {
    while (!buffered.includes('\n\n')) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error('the event stream ended');
      buffered += chunk.value;
    }
    const end = buffered.indexOf('\n\n');
    const [eventLine = '', dataLine = ''] = buffered.slice(0, end).split('\n');
    buffered = buffered.slice(end + 2);
    return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
  };

  const first = await nextEvent();
  assert.equal(first.event, 'fleet');
  assert.equal(first.data.points.length, 0, 'one snapshot: no interval yet');
  clock.advance(2000);
  const tick = await nextEvent();
  assert.equal(tick.event, 'tick');
  assert.equal(tick.data.points.length, 1);

  await app.close();
  assert.equal((await reader.read()).done, true, 'the stream ends when the server closes');
});

test('GET /v1/fleet groups workers that announce a region into regions', async (t) => {
  const history = new MetricsHistory(new Telemetry({ defaultMetrics: false }), new ManualClock(0), {
    intervalMs: 2000,
    windowMs: 60_000,
  });
  const fabric = new InProcessFabric();
  fabric.register(new FakeWorker('w1', { region: 'eu-west', zone: 'eu', activeStreams: 1 }));
  fabric.register(new FakeWorker('w2', { region: 'eu-west', zone: 'eu', state: 'draining' }));
  fabric.register(new FakeWorker('w3', { region: 'us-east', zone: 'us' }));
  const app = Fastify();
  registerFleetRoutes(app, { fabric, history, rollingWindowMs: 60_000 });
  t.after(() => app.close());
  const body = (await app.inject({ url: '/v1/fleet' })).json<FleetJson>();
  assert.deepEqual(body.regions, [
    {
      name: 'eu-west',
      zone: 'eu',
      workers: 2,
      ready_workers: 1,
      active_streams: 1,
      stream_capacity: 20,
    },
    {
      name: 'us-east',
      zone: 'us',
      workers: 1,
      ready_workers: 1,
      active_streams: 0,
      stream_capacity: 10,
    },
  ]);
});
