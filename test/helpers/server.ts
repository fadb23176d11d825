/**
 * Starts a real `voxfleet serve` (embedded mode) on a free loopback port with the real models,
 * installed from the mirror into a per-checkout data folder. Log lines are captured so tests
 * can check what is (and is not) logged. Callers stop it in a top-level `after`, which runs
 * even when a test fails.
 */
import { Writable } from 'node:stream';
import { startEmbeddedServer, type EmbeddedServer } from '../../src/cli/index.js';
import {
  compileServeConfig,
  SERVE_DEFAULTS,
  type Clock,
  type ServeOptions,
} from '../../src/core/index.js';
import { MODELS_MIRROR, TEST_DATA_DIR } from './paths.js';
import { installModels } from './test-models.js';

export interface TestServer extends EmbeddedServer {
  readonly logs: string[];
}

export async function startTestServer(
  options: ServeOptions = {},
  clock?: Clock,
): Promise<TestServer> {
  await installModels(options.models ?? SERVE_DEFAULTS.models);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const config = compileServeConfig(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir: TEST_DATA_DIR,
      mirrorDir: MODELS_MIRROR,
      logLevel: 'info',
      ...options,
    },
    {},
  );
  const server = await startEmbeddedServer(config, { logStream, ...(clock ? { clock } : {}) });
  return Object.assign(server, { logs });
}
