/**
 * A fleet in one test process, split the way `voxfleet worker` and `voxfleet gateway` split it:
 * real SpeechWorkers (real models) served by NatsWorkerHosts, a gateway app over a NatsFabric,
 * each part on its own NATS connection to a real nats-server. Callers stop it in `after`.
 */
import { compileServeConfig, type ServeOptions } from '../../src/core/index.js';
import {
  NatsFabric,
  NatsWorkerHost,
  connectToNats,
  withStreamFailover,
  type NatsConnection,
} from '../../src/fabric/index.js';
import { startGatewayServer, type GatewayServer } from '../../src/cli/gateway-server.js';
import { startSpeechWorker } from '../../src/cli/worker-setup.js';
import { Telemetry } from '../../src/telemetry/index.js';
import type { SpeechWorker } from '../../src/worker/index.js';
import { MODELS_MIRROR, TEST_DATA_DIR } from './paths.js';
import { installModels } from './test-models.js';

export interface FleetWorker {
  readonly worker: SpeechWorker;
  readonly host: NatsWorkerHost;
  readonly connection: NatsConnection;
}

export interface NatsFleet {
  readonly url: string;
  readonly gateway: GatewayServer;
  readonly fabric: NatsFabric;
  readonly workers: FleetWorker[];
  close(): Promise<void>;
}

export async function startNatsFleet(
  natsUrl: string,
  options: { workers: number; region: string; serve?: ServeOptions; heartbeatMs?: number },
): Promise<NatsFleet> {
  const config = compileServeConfig(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir: TEST_DATA_DIR,
      mirrorDir: MODELS_MIRROR,
      logLevel: 'warn',
      ...options.serve,
    },
    {},
  );
  await installModels(config.models);
  const workers: FleetWorker[] = [];
  for (let i = 0; i < options.workers; i++) {
    const worker = await startSpeechWorker(config, new Telemetry());
    const connection = await connectToNats(natsUrl, worker.config.id);
    const host = await NatsWorkerHost.start({
      connection,
      endpoint: worker,
      zone: 'test',
      region: options.region,
      ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
    });
    workers.push({ worker, host, connection });
  }
  const gatewayConnection = await connectToNats(natsUrl, 'gateway');
  const fabric = await NatsFabric.start({
    connection: gatewayConnection,
    regions: [options.region],
  });
  await fabric.waitForWorkers((ws) => ws.length === options.workers, 10_000);
  const gateway = await startGatewayServer(withStreamFailover(fabric), new Telemetry(), config);
  return {
    url: gateway.url,
    gateway,
    fabric,
    workers,
    async close() {
      await gateway.app.close();
      await fabric.close();
      await gatewayConnection.close();
      for (const w of workers) {
        await w.host.destroy();
        w.worker.destroy();
        await w.connection.close();
      }
    },
  };
}
