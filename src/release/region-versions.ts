/**
 * Which versions a region's workers must serve for the rollouts as they stand: what a worker
 * following rollouts (`voxfleet worker --follow-releases`, `voxfleet serve --releases`) pulls,
 * hash-checks and loads before the gateway sends it a caller. Pure.
 *
 * - A running or paused rollout whose plan reaches the region (a step with no regions, or one
 *   naming it): the candidate, and the baseline, which stays loaded and warm until the rollout
 *   completes (a rollback must find it).
 * - A completed one: the candidate serves everyone the plan ended on; the baseline only if
 *   callers are held back on it.
 * - Pending and rolled-back rollouts ask for nothing beyond what the worker was started with.
 */
import { heldBackOf, type RolloutState } from './rollout.js';
import type { ReleasePlan } from './plan.js';

export function versionsForRegion(
  rollouts: readonly { readonly plan: ReleasePlan; readonly state: RolloutState }[],
  region: string,
): string[] {
  const wanted = new Set<string>();
  for (const { plan, state } of rollouts) {
    const reaches = plan.steps.some(
      (s) => s.selector.regions === undefined || s.selector.regions.includes(region),
    );
    if (!reaches) continue;
    if (state.status === 'running' || state.status === 'paused') {
      wanted.add(plan.candidate);
      wanted.add(plan.baseline);
    } else if (state.status === 'completed') {
      wanted.add(plan.candidate);
      if (heldBackOf(plan, state).length > 0) wanted.add(plan.baseline);
    }
  }
  return [...wanted];
}
