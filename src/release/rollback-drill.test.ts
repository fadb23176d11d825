import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { assignVersion } from './assign.js';
import { CONTROLLER_DEFAULTS, RolloutController, type DrillObservations } from './controller.js';
import { start } from './rollout.js';
import { MemoryVersionedStore, RolloutStore } from './rollout-store.js';
import { HEALTHY_EVIDENCE, samplePlan } from './testing/sample-plan.js';

/** The sample plan with a drill gate in its first (shadow) step. */
function drilledPlan() {
  const plan = samplePlan();
  return samplePlan({
    steps: plan.steps.map((s, i) =>
      i === 0 ? { ...s, gates: [...s.gates, { metric: 'rollback_drill_ms', max: 1000 }] } : s,
    ),
  });
}

async function setUp(reports: Map<number, number>) {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryVersionedStore();
  const rollouts = new RolloutStore(store);
  const plan = drilledPlan();
  await rollouts.register(plan);
  await rollouts.apply(plan.id, ({ plan: p, state }) => start(p, state, clock.now(), 'alice'));
  const drills: DrillObservations = { firstServedAt: async (_id, at) => reports.get(at) };
  const controller = new RolloutController({
    store,
    planId: plan.id,
    holder: 'c',
    clock,
    evidence: { evidence: async () => HEALTHY_EVIDENCE },
    drills,
  });
  const state = async () => (await rollouts.read(plan.id))!.rollout.state;
  return { clock, plan, controller, state };
}

test('a drill sends new sessions to the baseline, is timed by the first one served, then the step is judged', async () => {
  const reports = new Map<number, number>();
  const { clock, plan, controller, state } = await setUp(reports);
  const ctx = { region: 'us-west', stickyKey: 'sess-1' };

  assert.equal(await controller.tick(), 'decided', 'the drill starts before any judgement');
  const drilling = await state();
  assert.deepEqual(assignVersion(plan, drilling, ctx), {
    serve: plan.baseline,
    because: 'rollback drill',
  });
  clock.advance(300);
  assert.equal(await controller.tick(), 'waiting', 'no gateway has served one yet');
  reports.set(drilling.drill!.startedMs, drilling.drill!.startedMs + 480);
  assert.equal(await controller.tick(), 'decided');
  const ended = await state();
  assert.equal(ended.drill?.measuredMs, 480);
  assert.match(ended.audit.at(-1)?.reason ?? '', /480 ms/);
  assert.equal(assignVersion(plan, ended, ctx).because, 'step shadow-us-west', 'drill over');

  clock.advance(3_600_000);
  assert.equal(await controller.tick(), 'decided');
  const passed = (await state()).audit.find((e) => e.action === 'step_passed');
  assert.deepEqual(
    passed?.gates?.find((g) => g.metric === 'rollback_drill_ms'),
    { metric: 'rollback_drill_ms', compare: 'value', value: 480, max: 1000, passed: true },
  );
});

test('a drill no session reaches ends unmeasured and is retried; the gate then has no data', async () => {
  const { clock, controller, state } = await setUp(new Map());
  const d = CONTROLLER_DEFAULTS;
  await controller.tick();
  clock.advance(d.drillLimitMs);
  assert.equal(await controller.tick(), 'decided');
  const first = await state();
  assert.equal(first.drill?.measuredMs, undefined);
  assert.match(first.audit.at(-1)?.reason ?? '', /no new session/);
  // Meanwhile the step is judged without the drill figure: it waits for it.
  clock.advance(1000);
  assert.equal(await controller.tick(), 'waiting');
  clock.advance(d.drillRetryMs);
  assert.equal(await controller.tick(), 'decided');
  assert.equal((await state()).drill?.attempts, 2);
});
