import { InvalidArgumentError, type Command } from 'commander';
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
    .option(
      '--max-streams <n>',
      'hard cap on streams (admission usually refuses earlier, by measured headroom)',
      toInt,
    )
    .option(
      '--batch-share <fraction>',
      'share of decode slots file work may hold at once (default 0.5, at least one slot)',
      Number,
    )
    .option(
      '--target-utilisation <fraction>',
      'admit streams until their finals fill this share of the slots (default 0.7)',
      Number,
    )
    .option(
      '--tail-paddings <model=frames,...>',
      "file decodes: Whisper tail padding per model, e.g. 'whisper-tiny.en=-1'",
      parseTailPaddings,
    )
    .option(
      '--live-tail-paddings <model=frames,...>',
      "streaming finals: Whisper tail padding per model, e.g. 'whisper-tiny.en=3000'",
      parseTailPaddings,
    )
    .option(
      '--inference-threads <n>',
      'Whisper inference threads per model; 0 = the libuv pool (default: number of cores)',
      toInt,
    )
    .option('--upload-limit-mb <mb>', 'largest file upload', Number)
    .option('--max-audio-s <s>', 'longest audio per file request', Number)
    .option('--idle-timeout-s <s>', 'close streams idle this long', Number)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent')
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

function parseTailPaddings(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of v.split(',').filter((p) => p.trim() !== '')) {
    const [name, frames] = pair.split('=');
    const n = Number(frames);
    if (name === undefined || name.trim() === '' || !Number.isInteger(n))
      throw new InvalidArgumentError(`expected model=frames, got '${pair}'`);
    out[name.trim()] = n;
  }
  return out;
}

function toInt(v: string): number {
  return Number.parseInt(v, 10);
}
