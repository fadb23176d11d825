/**
 * The gateway's copy of every rollout, read from the rollout store every `refreshMs` on the
 * injected clock. Half a second by default: a rollback reaches new sessions within a second of
 * the decision (the release issue's budget) without a watch per rollout.
 */
import type { Clock, TimerHandle } from '../core/index.js';
import type { RolloutStore, StoredRollout } from '../release/index.js';
import type { RolloutView } from './release-pinning.js';

export const RELEASE_BOARD_DEFAULTS = Object.freeze({ refreshMs: 500 });

export class ReleaseBoard implements RolloutView {
  private current: readonly StoredRollout[] = [];
  private readonly timer: TimerHandle;
  private refreshing: Promise<void> | undefined;

  private constructor(
    private readonly store: RolloutStore,
    clock: Clock,
    refreshMs: number,
  ) {
    this.timer = clock.setInterval(() => void this.refresh(), refreshMs);
  }

  static async start(
    store: RolloutStore,
    clock: Clock,
    refreshMs: number = RELEASE_BOARD_DEFAULTS.refreshMs,
  ): Promise<ReleaseBoard> {
    const board = new ReleaseBoard(store, clock, refreshMs);
    await board.refresh();
    return board;
  }

  rollouts(): readonly StoredRollout[] {
    return this.current;
  }

  /** Reads the store now (one read at a time); a failed read keeps the last good view. */
  refresh(): Promise<void> {
    this.refreshing ??= this.store
      .list()
      .then(
        (rollouts) => {
          this.current = rollouts;
        },
        () => undefined,
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  close(): void {
    this.timer.cancel();
  }
}
