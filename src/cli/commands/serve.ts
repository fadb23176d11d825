import type { Command } from 'commander';
import { compileServeConfig, type ServeOptions } from '../../core/index.js';
import { startEmbeddedServer } from '../embedded-server.js';
import { createPullProgressBar } from '../progress.js';
import { addWorkerOptions, toInt } from './worker-options.js';

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description('run gateway, fabric and worker in one process (the embedded default)')
    .option('--host <host>', 'address to listen on (env VOXFLEET_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env VOXFLEET_PORT; default 8080)', toInt);
  addWorkerOptions(command)
    .option('--upload-limit-mb <mb>', 'largest file upload', Number)
    .option('--idle-timeout-s <s>', 'close streams idle this long', Number)
    .option('--no-console', 'do not serve the web console at /')
    .option(
      '--releases [file]',
      'follow rollouts (voxfleet release --server), kept in this file (default: releases.json in the data folder); the admin API needs VOXFLEET_ADMIN_KEY',
    )
    .option(
      '--region <name>',
      'the region rollout steps know this server as (env VOXFLEET_REGION; default local)',
    )
    .action(async (opts: ServeOptions & { mirror?: string }) => {
      const { mirror, ...rest } = opts;
      const config = compileServeConfig({
        ...rest,
        ...(mirror !== undefined ? { mirrorDir: mirror } : {}),
      });
      const progress = createPullProgressBar();
      const adminKey = process.env.VOXFLEET_ADMIN_KEY;
      const server = await startEmbeddedServer(config, {
        onPullProgress: progress.update,
        ...(adminKey !== undefined ? { adminKey } : {}),
      });
      progress.stop();
      if (config.releasesFile !== undefined)
        process.stderr.write(
          `voxfleet: following rollouts in ${config.releasesFile} as region ${config.region}` +
            `${adminKey ? '; admin API at /v1/admin/releases' : ' (set VOXFLEET_ADMIN_KEY for the admin API and voxfleet release --server)'}\n`,
        );
      process.stderr.write(
        `voxfleet listening on ${server.url} (ready in ${(server.startupMs / 1000).toFixed(1)} s)\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.stderr.write('voxfleet: draining...\n');
          server.close().then(resolve, resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
