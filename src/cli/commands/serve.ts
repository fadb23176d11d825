import type { Command } from 'commander';
import { compileServeConfig, type ServeOptions } from '../../core/index.js';
import { startEmbeddedServer } from '../embedded-server.js';
import { createPullProgressBar } from '../progress.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run gateway, fabric and worker in one process (the embedded default)')
    .option('--host <host>', 'address to listen on (env VOXFLEET_HOST; default 127.0.0.1)')
    .option('--port <port>', 'port to listen on (env VOXFLEET_PORT; default 8080)', toInt)
    .option('--data-dir <dir>', 'where models are installed (env VOXFLEET_DATA_DIR)')
    .option(
      '--mirror <dir>',
      'model mirror folder tried before the registry URL (env VOXFLEET_MODEL_MIRROR)',
    )
    .option('--registry-url <url>', 'model registry base URL (env VOXFLEET_REGISTRY_URL)')
    .option('--models <names>', 'comma-separated models to load', (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .option('--decode-concurrency <n>', 'decodes at once (default: number of cores)', toInt)
    .option('--max-streams <n>', 'streaming sessions before OVER_CAPACITY', toInt)
    .option('--upload-limit-mb <mb>', 'largest file upload', Number)
    .option('--max-audio-s <s>', 'longest audio per file request', Number)
    .option('--idle-timeout-s <s>', 'close streams idle this long', Number)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent')
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

function toInt(v: string): number {
  return Number.parseInt(v, 10);
}
