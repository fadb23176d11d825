/**
 * Starting and operating a rollout, as `voxfleet release` and the admin API both do. Start: one
 * rollout per model name at a time (two would assign the same callers differently), registered,
 * then started with whatever offline evidence the caller read.
 */
import { VoxfleetError } from '../core/index.js';
import type { OfflineEvidence } from './offline-evidence.js';
import type { ReleasePlan } from './plan.js';
import { operate, start, type OperatorAction, type RolloutState } from './rollout.js';
import type { RolloutStore, StoredRollout } from './rollout-store.js';

export async function startRollout(
  store: RolloutStore,
  plan: ReleasePlan,
  nowMs: number,
  actor: string,
  offline?: OfflineEvidence,
): Promise<RolloutState> {
  const busy = (await store.list()).find(
    (r) =>
      r.plan.id !== plan.id &&
      r.plan.model === plan.model &&
      (r.state.status === 'running' || r.state.status === 'paused'),
  );
  if (busy !== undefined)
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `rollout ${busy.plan.id} of ${plan.model} is ${busy.state.status}: finish, promote or roll it back first`,
      { field: 'plan.model' },
    );
  await store.register(plan);
  return store.apply(plan.id, ({ plan: p, state: s }) => start(p, s, nowMs, actor, offline));
}

/** An operator's action applied with compare-and-set; the plan comes with the state it led to. */
export async function operateRollout(
  store: RolloutStore,
  action: OperatorAction,
  planId: string,
  nowMs: number,
  actor: string,
  reason: string,
): Promise<StoredRollout> {
  let applied: ReleasePlan | undefined;
  const state = await store.apply(planId, ({ plan, state: current }) => {
    applied = plan;
    return operate(action, plan, current, nowMs, actor, reason);
  });
  return { plan: applied!, state };
}
