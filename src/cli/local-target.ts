/**
 * `--target local` for the measuring commands (eval, capacity): the embedded server started in
 * this process on a free loopback port, with only the models the run needs, models pulled with
 * a progress bar. The caller drains it with `close()` when the run ends.
 */
import type { Command } from 'commander';
import { compileServeConfig, type ServeConfig, type ServeOptions } from '../core/index.js';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server.js';
import { createPullProgressBar } from './progress.js';

export interface LocalTargetOptions {
  readonly models: readonly string[];
  readonly dataDir?: string;
  readonly mirror?: string;
  readonly registryUrl?: string;
  /** Other serve options the run needs (e.g. a stream limit that must not be what is measured). */
  readonly serve?: Omit<ServeOptions, 'host' | 'port' | 'models'>;
}

export async function startLocalTarget(options: LocalTargetOptions): Promise<EmbeddedServer> {
  const pull = createPullProgressBar();
  try {
    return await startEmbeddedServer(compileLocalServeConfig(options), {
      onPullProgress: pull.update,
      logStream: process.stderr,
    });
  } finally {
    pull.stop();
  }
}

/** The serve config of a local target: loopback, a free port, the run's models and store. */
export function compileLocalServeConfig(options: LocalTargetOptions): ServeConfig {
  return compileServeConfig({
    logLevel: 'warn',
    ...options.serve,
    host: '127.0.0.1',
    port: 0,
    models: options.models,
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.mirror !== undefined ? { mirrorDir: options.mirror } : {}),
    ...(options.registryUrl !== undefined ? { registryUrl: options.registryUrl } : {}),
  });
}

/** The model-store flags of the commands that can start a local target. */
export interface StoreFlags {
  readonly dataDir?: string;
  readonly mirror?: string;
  readonly registryUrl?: string;
}

/** Declares the StoreFlags options on a command that takes `--target local`. */
export function addStoreFlags(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'with --target local: model install folder (env VOXFLEET_DATA_DIR)')
    .option(
      '--mirror <dir>',
      'with --target local: model mirror folder (env VOXFLEET_MODEL_MIRROR)',
    )
    .option(
      '--registry-url <url>',
      'with --target local: registry URL (env VOXFLEET_REGISTRY_URL)',
    );
}

export function pickStoreOptions(
  o: StoreFlags,
): Pick<LocalTargetOptions, 'dataDir' | 'mirror' | 'registryUrl'> {
  return {
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(o.mirror !== undefined ? { mirror: o.mirror } : {}),
    ...(o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {}),
  };
}
