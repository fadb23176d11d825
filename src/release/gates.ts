/**
 * Gates, evaluated on the evidence a step gathered. Pure: the controller passes the numbers,
 * the result records each gate's value, threshold and verdict, so every decision can be shown
 * later exactly as it was made.
 */
import type { Gate, GateMetric, PlanStep } from './plan.js';

/** One version's figures over a step; a metric not measured is absent. */
export type MetricFigures = Partial<Record<GateMetric, number>>;

export interface StepEvidence {
  readonly sessions: number;
  readonly audioMinutes: number;
  readonly candidate: MetricFigures;
  readonly baseline: MetricFigures;
}

export interface GateResult {
  readonly metric: GateMetric;
  readonly compare: Gate['compare'];
  /** The compared figure; undefined when it could not be computed (no data yet). */
  readonly value: number | undefined;
  readonly max: number;
  readonly passed: boolean;
}

export type StepVerdict =
  /** Not enough time or evidence yet: keep running. */
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'pass'; readonly gates: readonly GateResult[] }
  | { readonly kind: 'fail'; readonly reason: string; readonly gates: readonly GateResult[] };

export function evaluateGate(gate: Gate, evidence: StepEvidence): GateResult {
  const candidate = evidence.candidate[gate.metric];
  const baseline = evidence.baseline[gate.metric];
  let value: number | undefined;
  if (gate.compare === 'value') value = candidate;
  else if (candidate !== undefined && baseline !== undefined)
    value =
      gate.compare === 'delta'
        ? candidate - baseline
        : baseline > 0
          ? candidate / baseline
          : undefined;
  return {
    metric: gate.metric,
    compare: gate.compare,
    value,
    max: gate.max,
    passed: value !== undefined && Number.isFinite(value) && value <= gate.max,
  };
}

/**
 * A step passes once it has run `minDurationS` on `minSample` and every gate holds; it fails as
 * soon as a gate with data is over its threshold (no need to wait to see a regression), or when
 * `maxDurationS` passes without the evidence to decide.
 */
export function judgeStep(step: PlanStep, elapsedS: number, evidence: StepEvidence): StepVerdict {
  const gates = step.gates.map((g) => evaluateGate(g, evidence));
  const failed = gates.filter((g) => g.value !== undefined && !g.passed);
  const enough =
    evidence.sessions >= step.minSample.sessions &&
    evidence.audioMinutes >= step.minSample.audioMinutes;
  if (failed.length > 0 && enough)
    return {
      kind: 'fail',
      reason: `gate ${failed.map((g) => g.metric).join(', ')} over threshold`,
      gates,
    };
  const missing = gates.filter((g) => g.value === undefined).map((g) => g.metric);
  const ready = enough && elapsedS >= step.minDurationS && missing.length === 0;
  if (ready) return { kind: 'pass', gates };
  if (elapsedS >= step.maxDurationS)
    return {
      kind: 'fail',
      reason: !enough
        ? `too little evidence after ${step.maxDurationS} s (${evidence.sessions} sessions, ${evidence.audioMinutes.toFixed(1)} audio minutes)`
        : `no data for ${missing.join(', ')} after ${step.maxDurationS} s`,
      gates,
    };
  return {
    kind: 'wait',
    reason: !enough
      ? 'collecting the minimum sample'
      : elapsedS < step.minDurationS
        ? 'minimum duration not reached'
        : `waiting for ${missing.join(', ')}`,
  };
}
