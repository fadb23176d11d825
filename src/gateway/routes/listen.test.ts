import { test } from 'node:test';
import assert from 'node:assert/strict';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { InProcessFabric, type FabricClient, type StreamChannel } from '../../fabric/index.js';
import { FakeWorker } from '../../fabric/testing/fake-worker.js';
import { Telemetry } from '../../telemetry/index.js';
import { registerListenRoute } from './listen.js';

/**
 * A fabric whose stream open delivers the worker's `ready` at once but answers the open only
 * when the test says so: over NATS the two travel different subjects and may arrive in either
 * order.
 */
function slowToAnswer(fabric: FabricClient): { client: FabricClient; answer: () => void } {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  const client: FabricClient = {
    workers: () => fabric.workers(),
    models: () => fabric.models(),
    close: () => fabric.close(),
    transcribe: (...args) => fabric.transcribe(...args),
    synthesize: (...args) => fabric.synthesize(...args),
    openStream: async (request, onEvent): Promise<StreamChannel> => {
      const channel = await fabric.openStream(request, onEvent);
      await answered;
      return channel;
    },
  };
  return { client, answer };
}

test('audio, finalize and close sent before the open is answered reach the worker in order', async (t) => {
  const worker = new FakeWorker('wrk_a');
  const fabric = new InProcessFabric();
  fabric.register(worker);
  const { client, answer } = slowToAnswer(fabric);
  const app = Fastify();
  await app.register(fastifyWebsocket);
  registerListenRoute(app, {
    fabricFor: () => client,
    telemetry: new Telemetry({ defaultMetrics: false }),
    idleTimeoutMs: 10_000,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());

  const ws = new WebSocket(`${url.replace('http', 'ws')}/v1/listen`);
  const events: string[] = [];
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve) =>
    ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as { type: string; text?: string };
      events.push(event.text === undefined ? event.type : `${event.type}:${event.text}`);
      if (event.type === 'ready') resolve();
    }),
  );
  await new Promise((resolve) => ws.on('open', resolve));
  ws.send(JSON.stringify({ type: 'start', encoding: 'pcm_s16le', sample_rate: 16000 }));
  await ready;
  ws.send(new Uint8Array(320));
  ws.send(JSON.stringify({ type: 'finalize' }));
  ws.send(new Uint8Array(640));
  ws.send(JSON.stringify({ type: 'close' }));
  // Everything above has reached the gateway (a ping is answered after it) before the answer.
  const pong = new Promise((resolve) => ws.once('pong', resolve));
  ws.ping();
  await Promise.race([pong, closed]);
  answer();

  assert.equal(await closed, 1000);
  const [stream] = worker.streams;
  assert.deepEqual(
    stream?.frames.map((f) => f.length),
    [320, 640],
  );
  assert.deepEqual(stream?.controls, [{ type: 'finalize' }, { type: 'close' }]);
  assert.deepEqual(events, [
    'ready',
    'partial:320',
    'final:320',
    'partial:960',
    'final:960',
    'closed',
  ]);
});
