/**
 * Which version serves a new session or request, and whether the candidate decodes a shadow
 * copy, from the plan and the rollout's state. Pure and deterministic: a caller's bucket is a
 * stable hash of the release id and its sticky key (tenant or user for files, so a user does
 * not flip between versions; the session id for streams, which are pinned at open for life).
 *
 * Steps build on each other: every `full` step that has passed keeps its regions on the
 * candidate while later steps run; the running step adds its own selection.
 */
import type { CallerPriority, TenantRisk, PlanStep, ReleasePlan, StepSelector } from './plan.js';
import { drillRunning, heldBackOf, type RolloutState } from './rollout.js';

export interface AssignmentContext {
  readonly region: string;
  /** For the hash bucket: stable per tenant/user (files) or per session (streams). */
  readonly stickyKey: string;
  readonly tenantRisk?: TenantRisk;
  /** The language asked for, if any. */
  readonly language?: string;
  /** Known for files (their duration); streams are judged at their next final. */
  readonly durationS?: number;
  /** What the caller declared it cares about most, if anything. */
  readonly priority?: CallerPriority;
}

export interface Assignment {
  /** `name@version` that serves the caller. */
  readonly serve: string;
  /** `name@version` that decodes a copy, never returned to the caller. */
  readonly shadow?: string;
  /** Why: the step that selected the candidate, or the state that kept the baseline. */
  readonly because: string;
  /** The running step that selected this caller (evidence is gathered per step). */
  readonly step?: string;
}

/** What a session assigned the baseline by a rollback drill is told (gateways report these). */
export const ROLLBACK_DRILL = 'rollback drill';

/** Buckets 0..9999: percentages down to 0.01 %. */
const BUCKETS = 10_000;

export function assignVersion(
  plan: ReleasePlan,
  state: RolloutState,
  ctx: AssignmentContext,
): Assignment {
  const baseline = { serve: plan.baseline };
  if (state.status === 'pending') return { ...baseline, because: 'rollout not started' };
  if (state.status === 'rolled_back') return { ...baseline, because: 'rolled back' };
  if (ctx.priority !== undefined && heldBackOf(plan, state).includes(ctx.priority))
    return { ...baseline, because: `${ctx.priority} callers held back` };
  if (state.status === 'completed') return { serve: plan.candidate, because: 'rollout complete' };
  if (drillRunning(state)) return { ...baseline, because: ROLLBACK_DRILL };
  const bucket = bucketOf(`${plan.id}:${ctx.stickyKey}`);
  for (const step of plan.steps.slice(0, state.stepIndex))
    if (step.kind === 'full' && selects(step.selector, ctx, bucket))
      return { serve: plan.candidate, because: `step ${step.name} passed` };
  // A paused rollout keeps what has passed but stops the running step's exposure.
  if (state.status === 'paused') return { ...baseline, because: 'rollout paused' };
  const current: PlanStep = plan.steps[state.stepIndex]!;
  if (!selects(current.selector, ctx, bucket))
    // Still the step's business: its unselected callers are the baseline it is compared with.
    return { ...baseline, because: `not selected by step ${current.name}`, step: current.name };
  const because = `step ${current.name}`;
  if (current.kind === 'shadow')
    return { serve: plan.baseline, shadow: plan.candidate, because, step: current.name };
  return { serve: plan.candidate, because, step: current.name };
}

function selects(s: StepSelector, ctx: AssignmentContext, bucket: number): boolean {
  if (s.regions !== undefined && !s.regions.includes(ctx.region)) return false;
  if (
    s.tenantRisk !== undefined &&
    (ctx.tenantRisk === undefined || !s.tenantRisk.includes(ctx.tenantRisk))
  )
    return false;
  if (
    s.languages !== undefined &&
    (ctx.language === undefined || !s.languages.includes(ctx.language))
  )
    return false;
  if (s.maxSessionS !== undefined && ctx.durationS !== undefined && ctx.durationS > s.maxSessionS)
    return false;
  if (
    s.priorities !== undefined &&
    (ctx.priority === undefined || !s.priorities.includes(ctx.priority))
  )
    return false;
  return bucket < Math.round((s.percent / 100) * BUCKETS);
}

/** FNV-1a, 32 bit: stable across processes and releases of Node, spread well enough for buckets. */
export function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % BUCKETS;
}
