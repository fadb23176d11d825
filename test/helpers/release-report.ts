/**
 * What a release test's rollout decided, and on which figures, for `npm run bench:release` to
 * keep under `candidates` in bench/results/release.json (when VOXFLEET_RELEASE_REPORT names a
 * file; bench-report.ts): every gate the controller judged, per step, and where it ended.
 */
import type { ReleasePlan, RolloutState } from '../../src/release/index.js';
import { recordInReport } from './bench-report.js';

export function recordRollout(name: string, plan: ReleasePlan, state: RolloutState): void {
  recordInReport('VOXFLEET_RELEASE_REPORT', 'candidates', name, {
    baseline: plan.baseline,
    candidate: plan.candidate,
    decision: state.status,
    ...(state.heldBack !== undefined ? { held_back: state.heldBack } : {}),
    judged: state.audit
      .filter((e) => e.gates !== undefined)
      .map((e) => ({
        step: e.step,
        action: e.action,
        gates: (e.gates ?? []).map((g) => ({
          metric: g.metric,
          compare: g.compare,
          value: g.value === undefined ? null : +g.value.toFixed(4),
          max: g.max,
          passed: g.passed,
        })),
      })),
  });
}
