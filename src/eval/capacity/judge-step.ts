/** Turns a loadtest result into step metrics and a pass/fail against the SLO. Pure. */
import type { LoadtestResult } from '../loadtest/index.js';
import type { CapacitySlo } from './capacity-config.js';
import type { CapacityStep, StepMetrics } from './capacity-types.js';

export function stepMetrics(result: Pick<LoadtestResult, 'summary' | 'cutOff'>): StepMetrics {
  const s = result.summary;
  return {
    turns: s.turns,
    completed: s.completed,
    failed: s.failed,
    refused: s.refused,
    errorRate: s.turns > 0 ? s.failed / s.turns : 0,
    firstPartialMs: s.firstPartialMs,
    finalMs: s.finalMs,
    cutOff: result.cutOff,
  };
}

/**
 * A step passes when no session was refused, the error rate is within the limit, at least one
 * turn completed, and the p95 of final and of first-partial latency are within the SLO (a
 * latency with no samples, e.g. no partial before the final, is not held against the step).
 */
export function judgeStep(streams: number, metrics: StepMetrics, slo: CapacitySlo): CapacityStep {
  const fail = (reason: string): CapacityStep => ({ streams, pass: false, reason, metrics });
  if (metrics.refused > 0) return fail(`${metrics.refused} sessions refused`);
  if (metrics.errorRate > slo.maxErrorRate)
    return fail(
      `error rate ${pct(metrics.errorRate)} > ${pct(slo.maxErrorRate)}` +
        (metrics.cutOff ? ' (turns still running at the drain limit were cut off)' : ''),
    );
  if (metrics.completed === 0) return fail('no turn completed');
  const final = metrics.finalMs?.p95;
  if (final !== undefined && final > slo.finalP95Ms)
    return fail(`final p95 ${final.toFixed(0)} ms > ${slo.finalP95Ms} ms`);
  const partial = metrics.firstPartialMs?.p95;
  if (partial !== undefined && partial > slo.firstPartialP95Ms)
    return fail(`first partial p95 ${partial.toFixed(0)} ms > ${slo.firstPartialP95Ms} ms`);
  return { streams, pass: true, metrics };
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)} %`;
}
