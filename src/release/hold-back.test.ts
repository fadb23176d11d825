import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignVersion } from './assign.js';
import { parsePlan } from './plan.js';
import { evaluate, initialState, start, type RolloutState } from './rollout.js';

const OLD = 'piper-en-us-joe-medium@1.0.0';
const NEW = 'piper-en-us-joe-medium@1.1.0';
const MIN = 60_000;

/** A voice release: one canary with a quality gate and a conversational first-byte budget. */
function voicePlan(
  over: Record<string, unknown> = {},
  holdBack: object = { holdBack: ['latency'] },
) {
  return parsePlan({
    id: 'joe-1-1',
    model: 'tts-1',
    baseline: OLD,
    candidate: NEW,
    steps: [
      {
        name: 'canary',
        kind: 'canary',
        selector: { percent: 100 },
        minDurationS: 60,
        minSample: { sessions: 10 },
        maxDurationS: 3600,
        gates: [
          { metric: 'roundtrip_wer', compare: 'delta', max: 0.02 },
          { metric: 'tts_first_byte_p95_ms', max: 300, ...holdBack },
        ],
      },
    ],
    ...over,
  });
}

const evidence = (firstByteMs: number, roundtripDelta = 0) => ({
  sessions: 50,
  audioMinutes: 5,
  candidate: { tts_first_byte_p95_ms: firstByteMs, roundtrip_wer: 0.05 + roundtripDelta },
  baseline: { tts_first_byte_p95_ms: 180, roundtrip_wer: 0.05 },
});

const served = (
  plan: ReturnType<typeof voicePlan>,
  s: RolloutState,
  priority?: 'latency' | 'quality',
) =>
  assignVersion(plan, s, { region: 'r', stickyKey: 'tenant-a', ...(priority ? { priority } : {}) })
    .serve;

test('a voice over the first-byte budget holds latency callers back; quality callers keep the new voice', () => {
  const plan = voicePlan();
  let s = start(plan, initialState(plan), 0, 'dana');
  s = evaluate(plan, s, 2 * MIN, evidence(450));
  assert.equal(s.status, 'running', 'not rolled back');
  assert.deepEqual(s.heldBack, ['latency']);
  const held = s.audit.at(-1)!;
  assert.equal(held.action, 'hold_back');
  assert.match(held.reason ?? '', /tts_first_byte_p95_ms .*latency callers back on the baseline/);
  assert.equal(held.gates?.find((g) => g.metric === 'tts_first_byte_p95_ms')?.value, 450);
  assert.equal(s.stepStartedMs, 2 * MIN, "the step's clock restarts");

  assert.equal(served(plan, s, 'latency'), OLD);
  assert.equal(served(plan, s, 'quality'), NEW);
  assert.equal(served(plan, s), NEW, 'a caller that declared nothing is not held back');

  // The budget is settled: the step passes on the rest, and completion keeps the hold.
  s = evaluate(plan, s, 4 * MIN, evidence(450));
  assert.equal(s.status, 'completed');
  assert.equal(served(plan, s, 'latency'), OLD);
  assert.equal(served(plan, s, 'quality'), NEW);
});

test('a quality gate failing beside a hold-back gate still rolls back: holding back is no excuse', () => {
  const plan = voicePlan();
  const s = evaluate(plan, start(plan, initialState(plan), 0, 'dana'), 2 * MIN, evidence(450, 0.2));
  assert.equal(s.status, 'rolled_back');
  assert.equal(s.heldBack, undefined);
  assert.equal(served(plan, s, 'quality'), OLD);
});

test('without holdBack the same budget miss rolls back; a plan may hold callers back from the start', () => {
  const strict = voicePlan({}, {});
  const s = evaluate(
    strict,
    start(strict, initialState(strict), 0, 'dana'),
    2 * MIN,
    evidence(450),
  );
  assert.equal(s.status, 'rolled_back');

  const planned = voicePlan({ holdBack: ['latency'] }, {});
  const p = start(planned, initialState(planned), 0, 'dana');
  assert.equal(served(planned, p, 'latency'), OLD);
  assert.equal(served(planned, p, 'quality'), NEW);
});

test('a selector may take only callers of some priorities', () => {
  const plan = parsePlan({
    ...voicePlan(),
    steps: [{ ...voicePlan().steps[0], selector: { percent: 100, priorities: ['quality'] } }],
  });
  const s = start(plan, initialState(plan), 0, 'dana');
  assert.equal(served(plan, s, 'quality'), NEW);
  assert.equal(served(plan, s, 'latency'), OLD);
  assert.equal(served(plan, s), OLD, 'a selector with priorities needs a declared one');
  assert.throws(() => parsePlan({ ...voicePlan(), holdBack: ['speed'] }), {
    code: 'INVALID_ARGUMENT',
  });
});
