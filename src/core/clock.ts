/**
 * Every timer in voxfleet goes through a Clock so that tests drive time instead of sleeping.
 * All durations are milliseconds.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic-enough timeline (epoch ms for the system clock). */
  now(): number;
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  setInterval(fn: () => void, periodMs: number): TimerHandle;
}

export const systemClock: Clock = Object.freeze({
  now: () => performance.timeOrigin + performance.now(),
  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const t = setTimeout(fn, delayMs);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn: () => void, periodMs: number): TimerHandle {
    const t = setInterval(fn, periodMs);
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  },
});

/** Resolves after `ms` on `clock`: a test's ManualClock decides when, not the wall. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
}

interface ScheduledTimer {
  id: number;
  dueMs: number;
  periodMs: number | undefined;
  fn: () => void;
}

/**
 * A clock that only moves when told to. Timers fire in due order during advance(),
 * so tests prove timeouts without waiting for them.
 */
export class ManualClock implements Clock {
  private nowMs: number;
  private nextId = 1;
  private readonly timers = new Map<number, ScheduledTimer>();

  constructor(startMs = 0) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    return this.schedule(fn, delayMs, undefined);
  }

  setInterval(fn: () => void, periodMs: number): TimerHandle {
    return this.schedule(fn, periodMs, Math.max(1, periodMs));
  }

  /** Number of timers still pending; tests use it to prove nothing was left behind. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.nowMs = next.dueMs;
      if (next.periodMs === undefined) this.timers.delete(next.id);
      else next.dueMs += next.periodMs;
      next.fn();
    }
    this.nowMs = target;
  }

  private nextDue(limitMs: number): ScheduledTimer | undefined {
    let best: ScheduledTimer | undefined;
    for (const t of this.timers.values()) {
      if (t.dueMs <= limitMs && (best === undefined || t.dueMs < best.dueMs)) best = t;
    }
    return best;
  }

  private schedule(fn: () => void, delayMs: number, periodMs: number | undefined): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, dueMs: this.nowMs + Math.max(0, delayMs), periodMs, fn });
    return { cancel: () => this.timers.delete(id) };
  }
}
