/**
 * The embedded default: gateway + in-process fabric + one worker in this process. The same
 * gateway and worker code runs split across processes when the fabric is NATS. With
 * `releases` it follows rollouts as a fleet gateway does, with a controller of its own and the
 * rollouts kept in a file (the release logic is the fleet's; only the store differs).
 */
import type { FastifyInstance } from 'fastify';
import type { Clock, ServeConfig } from '../core/index.js';
import { InProcessFabric, type FabricClient } from '../fabric/index.js';
import { RolloutStore, openFileVersionedStore } from '../release/index.js';
import type { PullProgress } from '../registry/index.js';
import { Telemetry } from '../telemetry/index.js';
import type { SpeechWorker } from '../worker/index.js';
import { startGatewayReleases, type GatewayReleases } from './gateway-releases.js';
import { startGatewayServer } from './gateway-server.js';
import { startReleaseSync } from './release-sync.js';
import { loadIntoWorker, startSpeechWorker } from './worker-setup.js';

export interface EmbeddedServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly worker: SpeechWorker;
  readonly telemetry: Telemetry;
  /** Set when the server follows rollouts (`config.releasesFile`). */
  readonly releases?: GatewayReleases;
  readonly startupMs: number;
  /** Drains: stops accepting, lets open streams finish, then stops. */
  close(): Promise<void>;
}

export interface EmbeddedServerHooks {
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
  /** The admin API's key (VOXFLEET_ADMIN_KEY): with releases, serves /v1/admin/releases. */
  readonly adminKey?: string;
  /** How often the controller judges a running step (default 1 s). */
  readonly releaseTickMs?: number;
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
  const kv =
    config.releasesFile === undefined ? undefined : openFileVersionedStore(config.releasesFile);
  const releases =
    kv === undefined
      ? undefined
      : await startGatewayReleases(kv, {
          controller: true,
          workers: () => fabric.workers(),
          ...(hooks.releaseTickMs !== undefined ? { tickMs: hooks.releaseTickMs } : {}),
        });
  const served: FabricClient = releases?.pin(fabric, { region: config.region }) ?? fabric;
  const adminKey = hooks.adminKey;
  const { app, url: address } = await startGatewayServer(served, telemetry, config, {
    ...hooks,
    ...(releases !== undefined ? { fabricFor: releases.perRequest(fabric, config.region) } : {}),
    ...(releases !== undefined && adminKey !== undefined && adminKey !== ''
      ? { adminReleases: { store: releases.store, adminKey, changed: () => releases.refresh() } }
      : {}),
  });
  // The worker loads what the rollouts need beside --models, as a fleet worker does.
  const sync =
    kv === undefined
      ? undefined
      : startReleaseSync({
          store: new RolloutStore(kv),
          region: config.region,
          serves: (ref) => worker.serves(ref),
          load: (ref) => loadIntoWorker(worker, config, [ref]),
          log: (line) => app.log.info(line),
        });
  const startupMs = performance.now() - started;
  app.log.info({ startupMs: Math.round(startupMs), models: config.models }, 'voxfleet ready');
  return {
    app,
    url: address,
    worker,
    telemetry,
    ...(releases !== undefined ? { releases } : {}),
    startupMs,
    async close() {
      sync?.close();
      releases?.close();
      await worker.close();
      await app.close();
      await fabric.close();
    },
  };
}
