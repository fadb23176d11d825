/**
 * What every versioned store must give the rollout controller, run against the in-memory store
 * (unit test) and JetStream KV (test/release-controller-nats.test.ts): one leader at a time,
 * takeover after the lease, and no step lost or applied twice across a controller's death.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { RolloutController, type EvidenceSource } from '../controller.js';
import { start } from '../rollout.js';
import { RolloutStore, type VersionedStore } from '../rollout-store.js';
import { HEALTHY_EVIDENCE, samplePlan } from './sample-plan.js';

const HOUR = 3_600_000;
const good = HEALTHY_EVIDENCE;
const evidence: EvidenceSource = { evidence: async () => good };

export function controllerContract(name: string, makeStore: () => Promise<VersionedStore>): void {
  void test(`${name}: one controller acts; a dead leader is replaced; no step lost or repeated`, async () => {
    const store = await makeStore();
    const clock = new ManualClock(1_000_000);
    const rollouts = new RolloutStore(store);
    const plan = samplePlan({ id: `p-${Math.random().toString(36).slice(2, 8)}` });
    await rollouts.register(plan);
    await rollouts.apply(plan.id, ({ plan: p, state }) => start(p, state, clock.now(), 'alice'));
    const options = { store, planId: plan.id, clock, evidence, leaseMs: 10_000 };
    const a = new RolloutController({ ...options, holder: 'a' });
    const b = new RolloutController({ ...options, holder: 'b' });

    clock.advance(HOUR);
    assert.equal(await a.tick(), 'decided');
    assert.equal(await b.tick(), 'not_leader');
    // a dies here (stops ticking). Until its lease runs out, b may not act.
    clock.advance(9_000);
    assert.equal(await b.tick(), 'not_leader');
    clock.advance(HOUR);
    assert.equal(await b.tick(), 'decided', 'b took over after the lease');
    // a comes back from a long pause: the lease is b's now.
    assert.equal(await a.tick(), 'not_leader');
    for (let i = 0; i < 10; i++) {
      clock.advance(HOUR);
      await b.tick();
    }
    const done = await rollouts.read(plan.id);
    assert.equal(done?.rollout.state.status, 'completed');
    const entered = (done?.rollout.state.audit ?? [])
      .filter((e) => e.action === 'step_entered')
      .map((e) => e.step);
    assert.deepEqual(
      entered,
      plan.steps.map((s) => s.name),
      'each step entered exactly once',
    );
  });

  void test(`${name}: a decision computed on a stale state is refused, and an operator's rollback wins`, async () => {
    const store = await makeStore();
    const rollouts = new RolloutStore(store);
    const plan = samplePlan({ id: `q-${Math.random().toString(36).slice(2, 8)}` });
    await rollouts.register(plan);
    await rollouts.apply(plan.id, ({ plan: p, state }) => start(p, state, 0, 'alice'));
    const read = await rollouts.read(plan.id);
    // An operator rolls back between the controller's read and its write.
    await rollouts.apply(plan.id, ({ state }) => ({
      ...state,
      status: 'rolled_back',
      revision: state.revision + 1,
    }));
    const stale = {
      ...read!.rollout.state,
      stepIndex: 1,
      revision: read!.rollout.state.revision + 1,
    };
    assert.equal(await rollouts.applyOnce(plan.id, read!.revision, read!.rollout, stale), false);
    assert.equal((await rollouts.read(plan.id))?.rollout.state.status, 'rolled_back');
    await assert.rejects(
      rollouts.register({ ...plan, candidate: 'whisper-small@1.0.0' }),
      /different plan/,
    );
  });
}
