/**
 * The load schedule: `streams` virtual clients, started evenly over the ramp, each running
 * turns (one utterance or request) back to back until the duration is up. No turn starts after
 * the duration; turns still running `drainMs` later are aborted through their signal, so a run
 * is bounded in count (streams) and time (duration + drain) and stops by itself. Every wait
 * goes through the injected clock; tests drive virtual time.
 */
import { setMaxListeners } from 'node:events';

/** Milliseconds on a monotonic timeline, and a wait that ends early when `signal` aborts. */
export interface LoadClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemLoadClock: LoadClock = Object.freeze({
  now: () => performance.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
});

/** How a turn ended: 'refused' when the server turned the client away at open. */
export type TurnOutcome = 'done' | 'refused';

export interface ScheduleOptions {
  readonly streams: number;
  readonly rampMs: number;
  readonly durationMs: number;
  readonly drainMs: number;
  /** Wait before a refused client tries again. */
  readonly retryAfterRefusalMs: number;
  readonly clock: LoadClock;
  /** One turn of client `slot` (turn counts from 0 per client); aborts on `signal`. */
  readonly runTurn: (slot: number, turn: number, signal: AbortSignal) => Promise<TurnOutcome>;
}

export interface ScheduleOutcome {
  readonly turns: number;
  /** True when turns were still running at duration + drain and were aborted. */
  readonly cutOff: boolean;
  readonly elapsedMs: number;
}

/** When client `slot` starts: evenly spaced over the ramp, the first at 0. */
export function slotStartMs(slot: number, streams: number, rampMs: number): number {
  return streams <= 1 ? 0 : (rampMs * slot) / streams;
}

export async function runSchedule(options: ScheduleOptions): Promise<ScheduleOutcome> {
  const { clock, streams, rampMs, durationMs } = options;
  const t0 = clock.now();
  const abort = new AbortController();
  // Every client listens on the run's signal (a few listeners each): no leak, just many clients.
  setMaxListeners(0, abort.signal);
  const watchdogDone = new AbortController();
  let cutOff = false;
  let inFlight = 0;
  const watchdog = clock.sleep(durationMs + options.drainMs, watchdogDone.signal).then(() => {
    if (watchdogDone.signal.aborted) return;
    cutOff = inFlight > 0;
    abort.abort();
  });
  let turns = 0;
  const runSlot = async (slot: number): Promise<void> => {
    await clock.sleep(slotStartMs(slot, streams, rampMs), abort.signal);
    for (let turn = 0; clock.now() - t0 < durationMs && !abort.signal.aborted; turn++) {
      turns++;
      inFlight++;
      const outcome = await options.runTurn(slot, turn, abort.signal).finally(() => inFlight--);
      if (outcome === 'refused') {
        const left = durationMs - (clock.now() - t0);
        await clock.sleep(Math.min(options.retryAfterRefusalMs, Math.max(0, left)), abort.signal);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: streams }, (_, slot) => runSlot(slot)));
  } finally {
    watchdogDone.abort();
    await watchdog;
  }
  return { turns, cutOff, elapsedMs: clock.now() - t0 };
}
