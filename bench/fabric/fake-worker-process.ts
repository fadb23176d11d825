/**
 * A fake worker process for `bench/fabric.ts`: the fabric tests' FakeWorker (every frame
 * answered at once with a partial, no model) served over NATS by a NatsWorkerHost, so a
 * `voxfleet gateway` process in front of it carries streams at no inference cost.
 *
 *   node --import tsx bench/fabric/fake-worker-process.ts --nats URL --region R --id ID
 *
 * Prints `fake worker <id> serving` on stderr once announced; SIGTERM ends it at once.
 */
import { parseArgs } from 'node:util';
import { NatsWorkerHost, connectToNats } from '../../src/fabric/index.js';
import { FakeWorker } from '../../src/fabric/testing/fake-worker.js';

const { values: args } = parseArgs({
  options: {
    nats: { type: 'string' },
    region: { type: 'string' },
    id: { type: 'string', default: 'bench-fake' },
  },
});
if (args.nats === undefined || args.region === undefined)
  throw new Error('--nats and --region are required');

// The fake fleet never refuses: FakeWorker takes every stream, and the capacity it announces
// (the gateway's choice reads it) is far above any load the bench offers.
const worker = new FakeWorker(args.id, { maxStreams: 1_000_000, streamCapacity: 1_000_000 });
// FakeWorker keeps every frame it got (for tests to inspect): drop them, and the records of
// ended streams, so hours of frames do not pile up in this process.
const trim = setInterval(() => {
  for (const s of worker.streams) s.frames.length = 0;
  const open = worker.streams.filter((s) => !s.aborted);
  worker.streams.splice(0, worker.streams.length, ...open);
}, 1000);

const connection = await connectToNats(args.nats, `bench-${args.id}`);
const host = await NatsWorkerHost.start({
  connection,
  endpoint: worker,
  zone: 'bench',
  region: args.region,
});
process.stderr.write(`fake worker ${args.id} serving\n`);

const stop = (): void => {
  clearInterval(trim);
  // With nats-server already gone, destroy() and close() could wait on it: exit regardless.
  setTimeout(() => process.exit(0), 2000).unref();
  void host
    .destroy()
    .then(() => connection.close())
    .finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
