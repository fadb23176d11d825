import type { Command } from 'commander';
import { compileServeConfig, type ServeOptions } from '../../core/index.js';
import {
  NATS_FABRIC_DEFAULTS,
  NatsFabric,
  connectToNats,
  withStreamFailover,
} from '../../fabric/index.js';
import { Telemetry } from '../../telemetry/index.js';
import { startGatewayServer } from '../gateway-server.js';
import { addPlacementOptions, untilStopped, type FleetPlacementOptions } from './fleet-options.js';
import { toInt } from './worker-options.js';

type GatewayCommandOptions = ServeOptions &
  FleetPlacementOptions & { openTimeoutMs?: number; missedHeartbeats?: number };

export function registerGateway(program: Command): void {
  const command = program
    .command('gateway')
    .description('run the HTTP/WebSocket API over workers reached through NATS');
  addPlacementOptions(command, false)
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
      const { nats, region, openTimeoutMs, missedHeartbeats, ...rest } = opts;
      const config = compileServeConfig(rest);
      const connection = await connectToNats(nats, `voxfleet-gateway-${region}`);
      const fabric = await NatsFabric.start({
        connection,
        regions: [region],
        ...(openTimeoutMs !== undefined ? { openTimeoutMs } : {}),
        ...(missedHeartbeats !== undefined ? { missedHeartbeats } : {}),
      });
      // Streams survive the loss of their worker: replayed from the last final elsewhere.
      const log: { info?: (fields: object, message: string) => void } = {};
      const telemetry = new Telemetry();
      const client = withStreamFailover(fabric, {
        observer: {
          // Identifiers and timings only: never audio or text.
          failedOver: (sessionId, gapMs, replayedS) => {
            telemetry.streamFailedOver(gapMs);
            log.info?.({ sessionId, gapMs: Math.round(gapMs), replayedS }, 'stream failed over');
          },
        },
      });
      const server = await startGatewayServer(client, telemetry, config);
      log.info = (fields, message) => server.app.log.info(fields, message);
      process.stderr.write(
        `voxfleet gateway listening on ${server.url}, workers of region ${region} through ${nats}\n`,
      );
      const stop = async (): Promise<void> => {
        await server.app.close();
        await fabric.close();
        await connection.drain();
      };
      // The gateway holds no work of its own: closing the app waits for open requests.
      await untilStopped(stop, stop);
    });
}
