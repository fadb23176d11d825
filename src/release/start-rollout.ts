/**
 * Starting a rollout, as `voxfleet release start` and the admin API both do: one rollout per
 * model name at a time (two would assign the same callers differently), registered, then started
 * with whatever offline evidence the caller read.
 */
import { VoxfleetError } from '../core/index.js';
import type { OfflineEvidence } from './offline-evidence.js';
import type { ReleasePlan } from './plan.js';
import { start, type RolloutState } from './rollout.js';
import type { RolloutStore } from './rollout-store.js';

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
