/**
 * The state of one rollout and every way it can change, as pure functions: each takes a state
 * and returns the next one with the decision appended to its audit log. Nothing here does I/O
 * or reads a clock: the controller passes `nowMs` and the evidence, stores the result (with
 * `revision` for compare-and-set, so two controllers can never both apply a step), and the
 * tests replay whole rollouts without waiting.
 */
import { VoxfleetError } from '../core/index.js';
import { judgeStep, type GateResult, type StepEvidence } from './gates.js';
import { withOffline, type OfflineEvidence } from './offline-evidence.js';
import type { CallerPriority, Gate, ReleasePlan } from './plan.js';

export type RolloutStatus = 'pending' | 'running' | 'paused' | 'rolled_back' | 'completed';

export interface AuditEntry {
  readonly atMs: number;
  /** Who decided: `controller` for automatic decisions, else the operator's name. */
  readonly actor: string;
  readonly action:
    | 'start'
    | 'step_entered'
    | 'step_passed'
    | 'gate_failed'
    | 'pause'
    | 'resume'
    | 'promote'
    | 'rollback'
    | 'complete'
    | 'drill_started'
    | 'drill_ended'
    | 'hold_back';
  readonly step?: string;
  readonly reason?: string;
  readonly gates?: readonly GateResult[];
}

export interface RolloutState {
  readonly planId: string;
  readonly status: RolloutStatus;
  /** The step running (or paused in); steps before it have passed. */
  readonly stepIndex: number;
  readonly stepStartedMs: number;
  /** Bumped by every change: stores apply a new state only over the one it came from. */
  readonly revision: number;
  readonly audit: readonly AuditEntry[];
  /** The manifests' eval figures, read when the rollout started; part of every step's evidence. */
  readonly offline?: OfflineEvidence;
  /** The rollback drill, when a step gates on `rollback_drill_ms`. */
  readonly drill?: RollbackDrill;
  /** Priorities held back on the baseline by a failed gate (`gate.holdBack`). */
  readonly heldBack?: readonly CallerPriority[];
}

/** Callers of these priorities are served the baseline: the plan's and those gates held back. */
export function heldBackOf(plan: ReleasePlan, state: RolloutState): readonly CallerPriority[] {
  return [...new Set([...(plan.holdBack ?? []), ...(state.heldBack ?? [])])];
}

/** A gate whose failure would hold back callers who are held back already is settled. */
const settled = (gate: Gate, held: readonly CallerPriority[]): boolean =>
  gate.holdBack !== undefined && gate.holdBack.every((p) => held.includes(p));

/**
 * A rollback drill: for a moment every new session is assigned the baseline, as after a
 * rollback, and the time from the decision to the first new session served the baseline is
 * what `rollback_drill_ms` gates. Open sessions keep their version; the step is not judged
 * while the drill runs.
 */
export interface RollbackDrill {
  readonly startedMs: number;
  /** Drills started so far (one that saw no new session is retried). */
  readonly attempts: number;
  readonly endedMs?: number;
  /** From `startedMs` to the first new session on the baseline; absent if none came. */
  readonly measuredMs?: number;
}

/** Whether a drill is running now: new sessions go to the baseline. */
export function drillRunning(state: RolloutState): boolean {
  return state.drill !== undefined && state.drill.endedMs === undefined;
}

export function startDrill(state: RolloutState, nowMs: number): RolloutState {
  if (state.status !== 'running' || drillRunning(state)) refuse(state, 'start a drill in');
  return next(
    state,
    { drill: { startedMs: nowMs, attempts: (state.drill?.attempts ?? 0) + 1 } },
    { atMs: nowMs, actor: 'controller', action: 'drill_started' },
  );
}

export function endDrill(
  state: RolloutState,
  nowMs: number,
  measuredMs: number | undefined,
): RolloutState {
  const drill = state.drill;
  if (drill === undefined || drill.endedMs !== undefined) refuse(state, 'end a drill in');
  return next(
    state,
    {
      drill: { ...drill, endedMs: nowMs, ...(measuredMs !== undefined ? { measuredMs } : {}) },
    },
    {
      atMs: nowMs,
      actor: 'controller',
      action: 'drill_ended',
      reason:
        measuredMs === undefined
          ? 'no new session came during the drill'
          : `new sessions on the baseline ${Math.round(measuredMs)} ms after the drill began`,
    },
  );
}

export function initialState(plan: ReleasePlan): RolloutState {
  return {
    planId: plan.id,
    status: 'pending',
    stepIndex: 0,
    stepStartedMs: 0,
    revision: 0,
    audit: [],
  };
}

function next(
  state: RolloutState,
  change: Partial<RolloutState>,
  ...entries: AuditEntry[]
): RolloutState {
  return { ...state, ...change, revision: state.revision + 1, audit: [...state.audit, ...entries] };
}

function refuse(state: RolloutState, action: string): never {
  throw new VoxfleetError(
    'INVALID_ARGUMENT',
    `cannot ${action} a rollout that is ${state.status.replace('_', ' ')}`,
    { field: 'action' },
  );
}

export function start(
  plan: ReleasePlan,
  state: RolloutState,
  nowMs: number,
  actor: string,
  offline?: OfflineEvidence,
): RolloutState {
  if (state.status !== 'pending') refuse(state, 'start');
  const first = plan.steps[0]!;
  return next(
    state,
    {
      status: 'running',
      stepIndex: 0,
      stepStartedMs: nowMs,
      ...(offline !== undefined ? { offline } : {}),
    },
    {
      atMs: nowMs,
      actor,
      action: 'start',
      ...(offline !== undefined && offline.notes.length > 0
        ? { reason: offline.notes.join('; ') }
        : {}),
    },
    { atMs: nowMs, actor, action: 'step_entered', step: first.name },
  );
}

/**
 * The controller's tick: judges the running step on its evidence. Waiting changes nothing
 * (same revision: nothing to store); a pass enters the next step or completes; a failure rolls
 * back or pauses, as the plan says.
 */
export function evaluate(
  plan: ReleasePlan,
  state: RolloutState,
  nowMs: number,
  evidence: StepEvidence,
): RolloutState {
  if (state.status !== 'running' || drillRunning(state)) return state;
  const planned = plan.steps[state.stepIndex]!;
  const held = heldBackOf(plan, state);
  const step = { ...planned, gates: planned.gates.filter((g) => !settled(g, held)) };
  const drilled = state.drill?.measuredMs;
  const known = withOffline(evidence, state.offline);
  const verdict = judgeStep(
    step,
    (nowMs - state.stepStartedMs) / 1000,
    drilled === undefined
      ? known
      : { ...known, candidate: { ...known.candidate, rollback_drill_ms: drilled } },
  );
  if (verdict.kind === 'wait') return state;
  const actor = 'controller';
  const over = step.gates.filter((_, i) => {
    const g = verdict.kind === 'fail' ? verdict.gates[i] : undefined;
    return g !== undefined && g.value !== undefined && !g.passed;
  });
  if (verdict.kind === 'fail' && over.length > 0 && over.every((g) => g.holdBack !== undefined)) {
    // Only gates that say whom to hold back failed: those callers go back, the step goes on
    // with the rest (its clock restarts: the evidence from here on is another population's).
    const heldBack = [...new Set([...held, ...over.flatMap((g) => g.holdBack ?? [])])];
    return next(
      state,
      { heldBack, stepStartedMs: nowMs },
      {
        atMs: nowMs,
        actor,
        action: 'hold_back',
        step: step.name,
        reason: `${verdict.reason}: ${heldBack.join(', ')} callers back on the baseline`,
        gates: verdict.gates,
      },
    );
  }
  if (verdict.kind === 'fail') {
    const failed: AuditEntry = {
      atMs: nowMs,
      actor,
      action: 'gate_failed',
      step: step.name,
      reason: verdict.reason,
      gates: verdict.gates,
    };
    return plan.onGateFailure === 'rollback'
      ? next(state, { status: 'rolled_back' }, failed, {
          atMs: nowMs,
          actor,
          action: 'rollback',
          step: step.name,
          reason: verdict.reason,
        })
      : next(state, { status: 'paused' }, failed, {
          atMs: nowMs,
          actor,
          action: 'pause',
          step: step.name,
          reason: verdict.reason,
        });
  }
  const passed: AuditEntry = {
    atMs: nowMs,
    actor,
    action: 'step_passed',
    step: step.name,
    gates: verdict.gates,
  };
  const following = plan.steps[state.stepIndex + 1];
  if (following === undefined)
    return next(state, { status: 'completed' }, passed, { atMs: nowMs, actor, action: 'complete' });
  return next(state, { stepIndex: state.stepIndex + 1, stepStartedMs: nowMs }, passed, {
    atMs: nowMs,
    actor,
    action: 'step_entered',
    step: following.name,
  });
}

export function pause(
  state: RolloutState,
  nowMs: number,
  actor: string,
  reason: string,
): RolloutState {
  if (state.status !== 'running') refuse(state, 'pause');
  return next(state, { status: 'paused' }, { atMs: nowMs, actor, action: 'pause', reason });
}

/** Resuming restarts the step's clock: evidence gathered before a pause does not count twice. */
export function resume(state: RolloutState, nowMs: number, actor: string): RolloutState {
  if (state.status !== 'paused') refuse(state, 'resume');
  return next(
    state,
    { status: 'running', stepStartedMs: nowMs },
    { atMs: nowMs, actor, action: 'resume' },
  );
}

/** By hand: the candidate serves everywhere the plan would end, now. */
export function promote(
  plan: ReleasePlan,
  state: RolloutState,
  nowMs: number,
  actor: string,
): RolloutState {
  if (state.status !== 'running' && state.status !== 'paused') refuse(state, 'promote');
  return next(
    state,
    { status: 'completed', stepIndex: plan.steps.length - 1 },
    { atMs: nowMs, actor, action: 'promote' },
  );
}

export function rollback(
  state: RolloutState,
  nowMs: number,
  actor: string,
  reason: string,
): RolloutState {
  if (state.status === 'rolled_back' || state.status === 'pending') refuse(state, 'roll back');
  return next(state, { status: 'rolled_back' }, { atMs: nowMs, actor, action: 'rollback', reason });
}

/** What an operator may do to a rollout by hand (`voxfleet release`, the admin API). */
export const OPERATOR_ACTIONS = ['pause', 'resume', 'promote', 'rollback'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];

/** An operator's action as a state change; `reason` goes to the audit log of pause and rollback. */
export function operate(
  action: OperatorAction,
  plan: ReleasePlan,
  state: RolloutState,
  nowMs: number,
  actor: string,
  reason: string,
): RolloutState {
  switch (action) {
    case 'pause':
      return pause(state, nowMs, actor, reason);
    case 'resume':
      return resume(state, nowMs, actor);
    case 'promote':
      return promote(plan, state, nowMs, actor);
    case 'rollback':
      return rollback(state, nowMs, actor, reason);
  }
}
