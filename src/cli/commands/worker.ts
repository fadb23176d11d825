import type { Command } from 'commander';
import { compileServeConfig, newId, type ServeOptions } from '../../core/index.js';
import {
  NatsWorkerHost,
  WORKER_HOST_DEFAULTS,
  connectToNats,
  natsAddress,
} from '../../fabric/index.js';
import { Telemetry } from '../../telemetry/index.js';
import { createPullProgressBar } from '../progress.js';
import { startSpeechWorker } from '../worker-setup.js';
import { addPlacementOptions, untilStopped, type FleetPlacementOptions } from './fleet-options.js';
import { addWorkerOptions, toInt } from './worker-options.js';

type WorkerCommandOptions = ServeOptions &
  FleetPlacementOptions & {
    zone: string;
    mirror?: string;
    heartbeatMs?: number;
    workerId?: string;
  };

export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('run a worker that serves its models to gateways over NATS');
  addPlacementOptions(command, true)
    .option(
      '--heartbeat-ms <ms>',
      `how often the worker announces itself (default ${WORKER_HOST_DEFAULTS.heartbeatMs})`,
      toInt,
    )
    .option('--worker-id <id>', 'id on the fabric (letters, digits, _ and -; default: random)');
  addWorkerOptions(command).action(async (opts: WorkerCommandOptions) => {
    const { mirror, nats, region, zone, heartbeatMs, workerId, ...rest } = opts;
    const config = compileServeConfig({
      ...rest,
      ...(mirror !== undefined ? { mirrorDir: mirror } : {}),
    });
    const started = performance.now();
    const progress = createPullProgressBar();
    const worker = await startSpeechWorker(config, new Telemetry(), {
      onPullProgress: progress.update,
      workerId: workerId ?? newId('wrk'),
    });
    progress.stop();
    const connection = await connectToNats(nats, `voxfleet-worker-${worker.config.id}`);
    const host = await NatsWorkerHost.start({
      connection,
      endpoint: worker,
      zone,
      region,
      ...(heartbeatMs !== undefined ? { heartbeatMs } : {}),
    });
    process.stderr.write(
      `voxfleet worker ${worker.config.id} serving ${zone}/${region} through ${natsAddress(nats)} ` +
        `(ready in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
    );
    await untilStopped(
      async () => {
        await host.close();
        await worker.close();
        await connection.drain();
      },
      async () => {
        await host.destroy();
        worker.destroy();
        await connection.close();
      },
    );
  });
}
