/**
 * A gateway (REST, WebSocket, health, metrics) over any fabric. `voxfleet gateway` runs it over
 * the NATS fabric; the embedded server builds the same app over the in-process fabric.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock, ServeConfig } from '../core/index.js';
import type { FabricClient } from '../fabric/index.js';
import { buildGateway } from '../gateway/index.js';
import type { Telemetry } from '../telemetry/index.js';

export interface GatewayServerHooks {
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
}

export interface GatewayServer {
  readonly app: FastifyInstance;
  readonly url: string;
}

export async function startGatewayServer(
  fabric: FabricClient,
  telemetry: Telemetry,
  config: ServeConfig,
  hooks: GatewayServerHooks = {},
): Promise<GatewayServer> {
  // The web console is served by `voxfleet serve` only for now.
  const noConsole = { consoleDir: undefined };
  const app = await buildGateway(
    { fabric, telemetry, ...(hooks.clock ? { clock: hooks.clock } : {}) },
    {
      uploadLimitBytes: config.uploadLimitBytes,
      jsonLimitBytes: 1024 * 1024,
      maxFrameBytes: 1024 * 1024,
      idleTimeoutMs: config.idleTimeoutMs,
      logger: { level: config.logLevel, ...(hooks.logStream ? { stream: hooks.logStream } : {}) },
      ...noConsole,
    },
  );
  const url = await app.listen({ host: config.host, port: config.port });
  return { app, url };
}
