import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSchedule, slotStartMs, type LoadClock } from './schedule.js';

/** Virtual time: sleeps resolve in time order when `run` advances; no real waiting. */
function createFakeClock(): LoadClock & { run: (work: Promise<unknown>) => Promise<void> } {
  let now = 0;
  let seq = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const t = { at: now + Math.max(0, ms), seq: seq++, fire: resolve };
        timers.push(t);
        signal?.addEventListener('abort', () => {
          timers.splice(timers.indexOf(t), 1);
          resolve();
        });
      });
    },
    async run(work) {
      let settled = false;
      void work.finally(() => (settled = true));
      for (let guard = 0; guard < 100_000; guard++) {
        await flush();
        if (settled) return;
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const next = timers.shift();
        if (next === undefined) throw new Error('deadlock: nothing scheduled');
        now = next.at;
        next.fire();
      }
      throw new Error('runaway schedule');
    },
  };
}

test('starts are evenly spaced over the ramp, the first at 0', () => {
  assert.deepEqual(
    [0, 1, 2, 3].map((s) => slotStartMs(s, 4, 2000)),
    [0, 500, 1000, 1500],
  );
  assert.equal(slotStartMs(0, 1, 2000), 0);
});

test('clients ramp up, run turns back to back and start none after the duration', async () => {
  const clock = createFakeClock();
  const starts: { slot: number; turn: number; at: number }[] = [];
  const run = runSchedule({
    streams: 3,
    rampMs: 3000,
    durationMs: 10_000,
    drainMs: 5000,
    retryAfterRefusalMs: 1000,
    clock,
    runTurn: async (slot, turn, signal) => {
      starts.push({ slot, turn, at: clock.now() });
      await clock.sleep(4000, signal);
      return 'done';
    },
  });
  await clock.run(run);
  const outcome = await run;
  // slot 0: 0, 4000, 8000; slot 1: 1000, 5000, 9000; slot 2: 2000, 6000 (10000 is too late).
  assert.deepEqual(
    starts.filter((s) => s.slot === 1).map((s) => s.at),
    [1000, 5000, 9000],
  );
  assert.deepEqual(
    starts.filter((s) => s.slot === 2).map((s) => s.at),
    [2000, 6000],
  );
  assert.equal(outcome.turns, 8);
  assert.equal(outcome.cutOff, false);
  assert.equal(outcome.elapsedMs, 13_000);
  assert.ok(starts.every((s) => s.at < 10_000));
});

test('turns still running at duration + drain are aborted: the run stops by itself', async () => {
  const clock = createFakeClock();
  let aborted = 0;
  const run = runSchedule({
    streams: 2,
    rampMs: 0,
    durationMs: 1000,
    drainMs: 500,
    retryAfterRefusalMs: 1000,
    clock,
    runTurn: async (_slot, _turn, signal) => {
      await clock.sleep(60_000, signal); // a turn that would hang
      if (signal.aborted) aborted++;
      return 'done';
    },
  });
  await clock.run(run);
  const outcome = await run;
  assert.equal(outcome.cutOff, true);
  assert.equal(aborted, 2);
  assert.equal(outcome.elapsedMs, 1500);
});

test('a refused client waits before trying again, and never past the duration', async () => {
  const clock = createFakeClock();
  const at: number[] = [];
  const run = runSchedule({
    streams: 1,
    rampMs: 0,
    durationMs: 2500,
    drainMs: 0,
    retryAfterRefusalMs: 1000,
    clock,
    runTurn: async () => {
      at.push(clock.now());
      return 'refused';
    },
  });
  await clock.run(run);
  const outcome = await run;
  assert.deepEqual(at, [0, 1000, 2000]);
  assert.equal(outcome.elapsedMs, 2500);
  assert.equal(outcome.cutOff, false);
});
