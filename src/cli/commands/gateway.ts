import type { Command } from 'commander';
import { compileServeConfig, invalidArgument, type ServeOptions } from '../../core/index.js';
import { NATS_FABRIC_DEFAULTS, natsAddress } from '../../fabric/index.js';
import { loadFleetConfig } from '../../routing/index.js';
import { openGatewayFabric } from '../gateway-fabric.js';
import { Telemetry } from '../../telemetry/index.js';
import { startGatewayServer } from '../gateway-server.js';
import { addPlacementOptions, untilStopped, type FleetPlacementOptions } from './fleet-options.js';
import { toInt } from './worker-options.js';

type GatewayCommandOptions = ServeOptions &
  FleetPlacementOptions & {
    fleet?: string;
    releases?: boolean;
    releaseController?: boolean;
    openTimeoutMs?: number;
    missedHeartbeats?: number;
  };

export function registerGateway(program: Command): void {
  const command = program
    .command('gateway')
    .description('run the HTTP/WebSocket API over workers reached through NATS');
  addPlacementOptions(command, false)
    .option(
      '--fleet <file>',
      'fleet file (JSON): regions, zones, tenants; routes across regions (env VOXFLEET_FLEET)',
      process.env.VOXFLEET_FLEET,
    )
    .option('--releases', 'follow rollouts (voxfleet release) and serve the versions they assign')
    .option(
      '--release-controller',
      'also judge running rollouts by their gates (one controller acts at a time across gateways)',
    )
    .option('--host <host>', 'address to listen on (env VOXFLEET_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env VOXFLEET_PORT; default 8080)', toInt)
    .option(
      '--open-timeout-ms <ms>',
      `how long a worker has to accept a call (default ${NATS_FABRIC_DEFAULTS.openTimeoutMs})`,
      toInt,
    )
    .option(
      '--missed-heartbeats <n>',
      `heartbeats a worker may miss before it is dropped (default ${NATS_FABRIC_DEFAULTS.missedHeartbeats})`,
      toInt,
    )
    .option('--upload-limit-mb <mb>', 'largest file upload', Number)
    .option('--idle-timeout-s <s>', 'close streams idle this long', Number)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent')
    .option('--no-console', 'do not serve the web console at /')
    .action(async (opts: GatewayCommandOptions) => {
      const {
        nats,
        region,
        fleet,
        releases,
        releaseController,
        openTimeoutMs,
        missedHeartbeats,
        ...rest
      } = opts;
      const config = compileServeConfig(rest);
      const fleetConfig = fleet === undefined ? undefined : loadFleetConfig(fleet);
      if (fleetConfig !== undefined && !fleetConfig.regions.some((r) => r.name === region))
        throw invalidArgument('--region', "must be one of the fleet file's regions", region);
      // Set once the server runs; the fabric's observers log through it.
      const log: { info?: (fields: object, message: string) => void } = {};
      const telemetry = new Telemetry();
      const gatewayFabric = await openGatewayFabric({
        nats,
        region,
        ...(fleetConfig !== undefined ? { fleet: fleetConfig } : {}),
        ...(openTimeoutMs !== undefined ? { openTimeoutMs } : {}),
        ...(missedHeartbeats !== undefined ? { missedHeartbeats } : {}),
        ...(releases === true ? { releases: true } : {}),
        ...(releaseController === true ? { releaseController: true } : {}),
        // Identifiers, region names and timings only: never audio or text.
        failover: {
          failedOver: (sessionId, gapMs, replayedS) => {
            telemetry.streamFailedOver(gapMs);
            log.info?.({ sessionId, gapMs: Math.round(gapMs), replayedS }, 'stream failed over');
          },
        },
        audit: (event) => {
          telemetry.routeAudited(event.event, event.zone ?? '', event.from, event.to ?? '');
          log.info?.({ audit: event }, 'routing audit');
        },
      });
      // The release commands over HTTP, only with an admin key (never a flag: it would show in ps).
      const adminKey = process.env.VOXFLEET_ADMIN_KEY;
      const releasesFollowed = gatewayFabric.releases;
      const server = await startGatewayServer(gatewayFabric.fabric, telemetry, config, {
        ...(gatewayFabric.fabricFor !== undefined ? { fabricFor: gatewayFabric.fabricFor } : {}),
        ...(adminKey !== undefined && adminKey !== '' && releasesFollowed !== undefined
          ? {
              adminReleases: {
                store: releasesFollowed.store,
                adminKey,
                changed: () => releasesFollowed.refresh(),
              },
            }
          : {}),
      });
      log.info = (fields, message) => server.app.log.info(fields, message);
      process.stderr.write(
        `voxfleet gateway listening on ${server.url}, ${gatewayFabric.describe} through ${natsAddress(nats)}\n`,
      );
      const stop = async (): Promise<void> => {
        await server.app.close();
        await gatewayFabric.close();
      };
      // The gateway holds no work of its own: closing the app waits for open requests.
      await untilStopped(stop, stop);
    });
}
