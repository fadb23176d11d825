/**
 * A gateway (REST, WebSocket, health, metrics, the web console) over any fabric. `voxfleet
 * gateway` runs it over the NATS fabric; `voxfleet serve` over the in-process fabric.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock, ServeConfig } from '../core/index.js';
import type { FabricClient } from '../fabric/index.js';
import {
  buildGateway,
  type AdminReleasesOptions,
  type FabricForRequest,
} from '../gateway/index.js';
import { findConsoleDir } from './console-dir.js';
import type { Telemetry } from '../telemetry/index.js';

export interface GatewayServerHooks {
  /** Per-caller fabrics (multi-region gateways); every call uses `fabric` without it. */
  readonly fabricFor?: FabricForRequest;
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
  readonly adminReleases?: AdminReleasesOptions;
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
  const consoleDir = config.console ? findConsoleDir() : undefined;
  const app = await buildGateway(
    {
      fabric,
      telemetry,
      ...(hooks.clock ? { clock: hooks.clock } : {}),
      ...(hooks.fabricFor ? { fabricFor: hooks.fabricFor } : {}),
      ...(hooks.adminReleases ? { adminReleases: hooks.adminReleases } : {}),
    },
    {
      uploadLimitBytes: config.uploadLimitBytes,
      jsonLimitBytes: 1024 * 1024,
      maxFrameBytes: 1024 * 1024,
      idleTimeoutMs: config.idleTimeoutMs,
      logger: { level: config.logLevel, ...(hooks.logStream ? { stream: hooks.logStream } : {}) },
      consoleDir,
    },
  );
  const url = await app.listen({ host: config.host, port: config.port });
  if (config.console && consoleDir === undefined)
    app.log.warn('the web console is not built (npm run build): / serves nothing');
  return { app, url };
}
