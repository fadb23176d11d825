/**
 * What a fabric adds per audio frame: one stream, 100 ms frames of 16 kHz PCM sent one at a
 * time, timed from pushAudio to the worker's answer for that frame (a partial) arriving back at
 * the gateway side. Behind the fabric is the fabric tests' FakeWorker, which answers each frame
 * at once, so the time is the transport alone.
 */
import {
  InProcessFabric,
  NatsFabric,
  NatsWorkerHost,
  connectToNats,
  type FabricClient,
} from '../../src/fabric/index.js';
import { FakeWorker } from '../../src/fabric/testing/fake-worker.js';
import { nearestRank } from '../../src/eval/index.js';

/** 100 ms of 16 kHz 16-bit mono PCM. */
const FRAME = new Uint8Array(3200);
/** The first frames warm the JIT and the sockets; they are not counted. */
const WARMUP_FRAMES = 100;

export interface FrameLatency {
  readonly frames: number;
  readonly p50_ms: number;
  readonly p90_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly mean_ms: number;
}

/** Sends `frames` frames one after another on one stream; each one's round trip in ms. */
export async function timeFrames(client: FabricClient, frames: number): Promise<number[]> {
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
  for (let i = 0; i < frames + WARMUP_FRAMES; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      answered = resolve;
      channel.pushAudio(FRAME);
    });
    times.push(performance.now() - t0);
  }
  channel.abort();
  return times.slice(WARMUP_FRAMES);
}

export function summarizeFrameTimes(ms: readonly number[]): FrameLatency {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => round3(nearestRank(sorted, q));
  return {
    frames: sorted.length,
    p50_ms: at(0.5),
    p90_ms: at(0.9),
    p99_ms: at(0.99),
    max_ms: round3(sorted.at(-1) ?? NaN),
    mean_ms: round3(sorted.reduce((s, v) => s + v, 0) / sorted.length),
  };
}

/** The in-process fabric: plain function calls into a FakeWorker. */
export async function measureInProcess(frames: number): Promise<FrameLatency> {
  const fabric = new InProcessFabric();
  fabric.register(new FakeWorker('bench-local'));
  return summarizeFrameTimes(await timeFrames(fabric, frames));
}

/**
 * The NATS fabric: a NatsWorkerHost serving a FakeWorker and a NatsFabric, each on its own
 * connection to the nats-server at `natsUrl`, both in this process (one event loop, so no
 * scheduling between processes is timed).
 */
export async function measureNats(
  natsUrl: string,
  region: string,
  frames: number,
): Promise<FrameLatency> {
  const workerConnection = await connectToNats(natsUrl, 'bench-latency-worker');
  const host = await NatsWorkerHost.start({
    connection: workerConnection,
    endpoint: new FakeWorker('bench-latency'),
    zone: 'bench',
    region,
  });
  const gatewayConnection = await connectToNats(natsUrl, 'bench-latency-gateway');
  const fabric = await NatsFabric.start({ connection: gatewayConnection, regions: [region] });
  try {
    await fabric.waitForWorkers((ws) => ws.length === 1, 5000);
    return summarizeFrameTimes(await timeFrames(fabric, frames));
  } finally {
    await fabric.close();
    await host.destroy();
    await gatewayConnection.close();
    await workerConnection.close();
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
