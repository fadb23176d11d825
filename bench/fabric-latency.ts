/**
 * What the NATS fabric adds per audio frame: one stream, 100 ms frames of 16 kHz PCM sent one
 * at a time, timed from pushAudio to the worker's answer for that frame arriving back at the
 * gateway. The worker is the fabric tests' FakeWorker (it answers each frame with a partial at
 * once), so the numbers are the transport alone, in-process against a local nats-server.
 *
 *   node --import tsx bench/fabric-latency.ts [frames]
 */
import { InProcessFabric, NatsFabric, NatsWorkerHost, connectToNats } from '../src/fabric/index.js';
import type { FabricClient } from '../src/fabric/index.js';
import { FakeWorker } from '../src/fabric/testing/fake-worker.js';
import { startNatsServer } from '../test/helpers/nats-server.js';

const frames = Number(process.argv[2] ?? 2000);
const frame = new Uint8Array(3200);

async function measure(client: FabricClient): Promise<number[]> {
  let answered: (() => void) | undefined;
  const channel = await client.openStream(
    {
      sessionId: 'bench',
      encoding: 'pcm_s16le',
      sampleRateHz: 16000,
      interimResults: true,
      endpointingMs: 500,
    },
    (e) => {
      if (e.type === 'partial') answered?.();
    },
  );
  const times: number[] = [];
  for (let i = 0; i < frames; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      answered = resolve;
      channel.pushAudio(frame);
    });
    times.push(performance.now() - t0);
  }
  channel.abort();
  return times.slice(100); // the first frames warm the JIT and the sockets
}

function summary(name: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(3);
  return `${name.padEnd(11)} p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  p99 ${at(0.99)} ms  (${ms.length} frames)`;
}

const inProcess = new InProcessFabric();
inProcess.register(new FakeWorker('bench-local'));
console.log(summary('in-process', await measure(inProcess)));

const nats = await startNatsServer();
try {
  const workerConnection = await connectToNats(nats.url, 'bench-worker');
  const host = await NatsWorkerHost.start({
    connection: workerConnection,
    endpoint: new FakeWorker('bench-nats'),
    zone: 'bench',
    region: 'bench',
  });
  const gatewayConnection = await connectToNats(nats.url, 'bench-gateway');
  const fabric = await NatsFabric.start({ connection: gatewayConnection, regions: ['bench'] });
  await fabric.waitForWorkers((ws) => ws.length === 1, 5000);
  console.log(summary('nats', await measure(fabric)));
  await fabric.close();
  await host.destroy();
  await gatewayConnection.close();
  await workerConnection.close();
} finally {
  await nats.stop();
}
