import type { Command } from 'commander';
import { VoxfleetError, compileServeConfig, newId, type ServeOptions } from '../../core/index.js';
import {
  NatsVersionedKv,
  NatsWorkerHost,
  WORKER_HOST_DEFAULTS,
  connectToNats,
  natsAddress,
} from '../../fabric/index.js';
import { RELEASES_BUCKET, RolloutStore } from '../../release/index.js';
import { startReleaseSync, type ReleaseSync } from '../release-sync.js';
import { Telemetry } from '../../telemetry/index.js';
import { startMetricsServer } from '../metrics-server.js';
import { createPullProgressBar } from '../progress.js';
import { loadIntoWorker, startSpeechWorker, type StartSpeechWorker } from '../worker-setup.js';
import { addPlacementOptions, untilStopped, type FleetPlacementOptions } from './fleet-options.js';
import { addWorkerOptions, toInt } from './worker-options.js';

type WorkerCommandOptions = ServeOptions &
  FleetPlacementOptions & {
    zone: string;
    mirror?: string;
    heartbeatMs?: number;
    workerId?: string;
    metricsPort?: number;
    followReleases?: boolean;
  };

/** How long a starting worker waits for NATS and JetStream (a supercluster elects for seconds). */
const JETSTREAM_WAIT_MS = 60_000;

/** `startWorker` is the worker factory; a test build passes its own (test/helpers/test-build-cli.ts). */
export function registerWorker(
  program: Command,
  startWorker: StartSpeechWorker = startSpeechWorker,
): void {
  const command = program
    .command('worker')
    .description('run a worker that serves its models to gateways over NATS');
  addPlacementOptions(command, true)
    .option(
      '--heartbeat-ms <ms>',
      `how often the worker announces itself (default ${WORKER_HOST_DEFAULTS.heartbeatMs})`,
      toInt,
    )
    .option('--worker-id <id>', 'id on the fabric (letters, digits, _ and -; default: random)')
    .option('--metrics-port <port>', "serve this worker's Prometheus /metrics on this port", toInt)
    .option(
      '--follow-releases',
      "install, verify and load the versions the fleet's rollouts need in this region, beside --models",
    );
  addWorkerOptions(command).action(async (opts: WorkerCommandOptions) => {
    const {
      mirror,
      nats,
      region,
      zone,
      heartbeatMs,
      workerId,
      metricsPort,
      followReleases,
      ...rest
    } = opts;
    const config = compileServeConfig({
      ...rest,
      ...(mirror !== undefined ? { mirrorDir: mirror } : {}),
    });
    const started = performance.now();
    const progress = createPullProgressBar();
    const telemetry = new Telemetry();
    const worker = await startWorker(config, telemetry, {
      onPullProgress: progress.update,
      workerId: workerId ?? newId('wrk'),
    });
    progress.stop();
    const connection = await connectToNats(nats, `voxfleet-worker-${worker.config.id}`);
    const host = await retryWhileNotReady(
      () =>
        NatsWorkerHost.start({
          connection,
          endpoint: worker,
          zone,
          region,
          ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
        }),
      JETSTREAM_WAIT_MS,
    );
    const sync: ReleaseSync | undefined =
      followReleases === true
        ? startReleaseSync({
            store: new RolloutStore(await NatsVersionedKv.open(connection, RELEASES_BUCKET)),
            region,
            serves: (ref) => worker.serves(ref),
            // A test build's engine decorations apply to the versions it started with only.
            load: (ref) => loadIntoWorker(worker, config, [ref]),
            log: (line) => process.stderr.write(`voxfleet worker: ${line}\n`),
          })
        : undefined;
    const metrics =
      metricsPort === undefined
        ? undefined
        : await startMetricsServer(telemetry, config.host, metricsPort);
    process.stderr.write(
      `voxfleet worker ${worker.config.id} serving ${zone}/${region} through ${natsAddress(nats)} ` +
        `(ready in ${((performance.now() - started) / 1000).toFixed(1)} s)` +
        (metrics !== undefined ? `, metrics at ${metrics.url}` : '') +
        '\n',
    );
    await untilStopped(
      async () => {
        sync?.close();
        await host.close();
        await worker.close();
        await connection.drain();
        await metrics?.close();
      },
      async () => {
        sync?.close();
        await host.destroy();
        worker.destroy();
        await connection.close();
        await metrics?.close();
      },
    );
  });
}

/**
 * Retries `start` while NATS answers NOT_READY (JetStream still electing its leader after the
 * servers started), saying so once; any other error, or the deadline, ends the wait.
 */
async function retryWhileNotReady<T>(start: () => Promise<T>, waitMs: number): Promise<T> {
  const deadline = performance.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      return await start();
    } catch (err) {
      if (!(err instanceof VoxfleetError) || err.code !== 'NOT_READY') throw err;
      if (performance.now() > deadline) throw err;
      if (!told) process.stderr.write(`voxfleet worker: waiting for NATS (${err.message})...\n`);
      told = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
