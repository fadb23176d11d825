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
    .action(async (opts: ServeOptions & { mirror?: string }) => {
      const { mirror, ...rest } = opts;
      const config = compileServeConfig({
        ...rest,
        ...(mirror !== undefined ? { mirrorDir: mirror } : {}),
      });
      const progress = createPullProgressBar();
      const server = await startEmbeddedServer(config, { onPullProgress: progress.update });
      progress.stop();
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
