/**
 * A worker that follows rollouts (`voxfleet worker --follow-releases`, `voxfleet serve
 * --releases`): it reads the rollouts every few seconds and, for each version its region must
 * serve (release/region-versions.ts) that it does not, installs it (mirror or registry, every
 * file's sha256 checked), loads it and serves it beside the others, announced with the next
 * heartbeat. Gateways send a caller the candidate only where a worker serves it
 * (release-pinning.ts), so a region is reached once its files are there and verified. The
 * baseline is never unloaded here: it stays warm for a rollback, and after a completed rollout
 * until the worker restarts with other `--models`.
 *
 * One version at a time; a failure (no such version, a hash mismatch, no memory) is logged and
 * tried again at a later read, never taking the worker down.
 */
import { systemClock, type Clock } from '../core/index.js';
import { versionsForRegion, type RolloutStore } from '../release/index.js';

export interface ReleaseSyncOptions {
  readonly store: RolloutStore;
  readonly region: string;
  /** Whether the worker serves `name@version` now. */
  readonly serves: (ref: string) => boolean;
  /** Installs, verifies and loads one version into the worker. */
  readonly load: (ref: string) => Promise<void>;
  readonly log: (line: string) => void;
  readonly clock?: Clock;
  readonly intervalMs?: number;
}

export const RELEASE_SYNC_DEFAULTS = Object.freeze({
  /** A rollout's first step waits at most this long (plus the load) for a region's workers. */
  intervalMs: 2000,
  /** After a failed load, the version is not tried again for this long. */
  retryAfterMs: 30_000,
});

export interface ReleaseSync {
  /** Reads the rollouts and syncs now; resolves when this pass is done. */
  syncNow(): Promise<void>;
  close(): void;
}

export function startReleaseSync(options: ReleaseSyncOptions): ReleaseSync {
  const clock = options.clock ?? systemClock;
  const failedAt = new Map<string, number>();
  let running: Promise<void> | undefined;
  let closed = false;
  const pass = async (): Promise<void> => {
    const wanted = versionsForRegion(await options.store.list(), options.region);
    for (const ref of wanted) {
      if (closed || options.serves(ref)) continue;
      const failed = failedAt.get(ref);
      if (failed !== undefined && clock.now() - failed < RELEASE_SYNC_DEFAULTS.retryAfterMs)
        continue;
      const started = clock.now();
      try {
        await options.load(ref);
        failedAt.delete(ref);
        options.log(
          `synced ${ref} for the rollouts of region ${options.region}: installed, sha256 verified, loaded in ${Math.round(clock.now() - started)} ms`,
        );
      } catch (err) {
        failedAt.set(ref, clock.now());
        options.log(`could not sync ${ref}: ${(err as Error).message}; trying again later`);
      }
    }
  };
  const syncNow = (): Promise<void> => {
    running ??= pass()
      .catch((err: unknown) =>
        options.log(`could not read the rollouts: ${(err as Error).message}`),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = clock.setInterval(
    () => void syncNow(),
    options.intervalMs ?? RELEASE_SYNC_DEFAULTS.intervalMs,
  );
  void syncNow();
  return {
    syncNow,
    close() {
      closed = true;
      timer.cancel();
    },
  };
}
