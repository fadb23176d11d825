/**
 * The embedded default: gateway + in-process fabric + one worker in this process. The same
 * gateway and worker code runs split across processes when the fabric is NATS.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock, ServeConfig } from '../core/index.js';
import { InProcessFabric } from '../fabric/index.js';
import type { PullProgress } from '../registry/index.js';
import { Telemetry } from '../telemetry/index.js';
import type { SpeechWorker } from '../worker/index.js';
import { startGatewayServer } from './gateway-server.js';
import { startSpeechWorker } from './worker-setup.js';

export interface EmbeddedServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly worker: SpeechWorker;
  readonly telemetry: Telemetry;
  readonly startupMs: number;
  /** Drains: stops accepting, lets open streams finish, then stops. */
  close(): Promise<void>;
}

export interface EmbeddedServerHooks {
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
}

export async function startEmbeddedServer(
  config: ServeConfig,
  hooks: EmbeddedServerHooks = {},
): Promise<EmbeddedServer> {
  const started = performance.now();
  const telemetry = new Telemetry();
  const worker = await startSpeechWorker(config, telemetry, {
    ...(hooks.onPullProgress ? { onPullProgress: hooks.onPullProgress } : {}),
    ...(hooks.clock ? { clock: hooks.clock } : {}),
  });
  const fabric = new InProcessFabric();
  fabric.register(worker);
  const { app, url: address } = await startGatewayServer(fabric, telemetry, config, hooks);
  const startupMs = performance.now() - started;
  app.log.info({ startupMs: Math.round(startupMs), models: config.models }, 'voxfleet ready');
  return {
    app,
    url: address,
    worker,
    telemetry,
    startupMs,
    async close() {
      await worker.close();
      await app.close();
      await fabric.close();
    },
  };
}
