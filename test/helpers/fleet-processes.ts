/**
 * Fleet parts as processes, the way users run them: models installed once up front (several
 * workers pulling into one folder at once would race), `voxfleet worker` and `voxfleet gateway`
 * started from the built CLI and awaited until they say they are ready.
 */
import { join } from 'node:path';
import { MODELS_MIRROR, REPO_ROOT, TEST_DATA_DIR } from './paths.js';
import { startVoxfleet, type Launch, type VoxfleetProcess } from './voxfleet-process.js';

export { installModels } from './test-models.js';

export function startWorkerProcess(
  natsUrl: string,
  placement: { region: string; zone: string },
  models: readonly string[],
  extra: readonly string[] = [],
  launch?: Launch,
): Promise<VoxfleetProcess> {
  return startVoxfleet(
    [
      'worker',
      ...['--nats', natsUrl, '--region', placement.region, '--zone', placement.zone],
      ...['--models', models.join(','), '--data-dir', TEST_DATA_DIR, '--mirror', MODELS_MIRROR],
      ...extra,
    ],
    /voxfleet worker \S+ serving/,
    120_000,
    launch,
  );
}

/**
 * The test build of the worker (test-build-cli.ts, from the sources): each version in `slow`
 * waits that many ms before every decode. `extra` may name another `--data-dir`.
 */
export function startTestBuildWorker(
  natsUrl: string,
  placement: { region: string; zone: string },
  models: readonly string[],
  slow: Readonly<Record<string, number>>,
  extra: readonly string[] = [],
): Promise<VoxfleetProcess> {
  return startWorkerProcess(natsUrl, placement, models, extra, {
    entry: ['--import', 'tsx', join(REPO_ROOT, 'test', 'helpers', 'test-build-cli.ts')],
    env: {
      VOXFLEET_TEST_SLOW_VERSIONS: Object.entries(slow)
        .map(([ref, ms]) => `${ref}=${ms}`)
        .join(','),
    },
  });
}

/** A gateway on a free port; its URL is `ready[1]`. */
export function startGatewayProcess(
  natsUrl: string,
  region: string,
  extra: readonly string[] = [],
  env?: Readonly<Record<string, string>>,
): Promise<VoxfleetProcess> {
  return startVoxfleet(
    ['gateway', '--nats', natsUrl, '--region', region, '--port', '0', ...extra],
    /listening on (http:\/\/[^,\s]+)/,
    120_000,
    env === undefined ? {} : { env },
  );
}
