/**
 * Shadow figures per rollout and step, summed over sessions into the StepEvidence a gate reads:
 * the candidate's word disagreement with the primary (weighted by the primary's words), each
 * side's empty-final rate and partial churn. A new step starts from nothing: evidence gathered
 * under one step never counts for the next.
 *
 * No latency: a shadow decodes at background priority, on whatever CPU real time leaves idle
 * (docs/scheduling.md), so its timings say nothing about what a user of the candidate would
 * feel. Latency gates read canary sessions (serving-evidence.ts).
 */
import type { MetricFigures, StepEvidence } from '../../release/index.js';
import type { SessionComparison } from './shadow-comparison.js';

/** One gateway's shadow totals for a step: plain numbers, so gateways can pool them. */
export interface ShadowTotals {
  sessions: number;
  audioS: number;
  primaryWords: number;
  wordEdits: number;
  finals: [number, number];
  emptyFinals: [number, number];
  partialsPerFinal: [number, number];
}

export const emptyShadowTotals = (): ShadowTotals => ({
  sessions: 0,
  audioS: 0,
  primaryWords: 0,
  wordEdits: 0,
  finals: [0, 0],
  emptyFinals: [0, 0],
  partialsPerFinal: [0, 0],
});

export class ShadowEvidence {
  private readonly totals = new Map<string, ShadowTotals>();
  /** Shadow sessions not started (budget full, candidate refused): shed, never queued. */
  shed = 0;

  private key(rolloutId: string, step: string): string {
    return `${rolloutId}/${step}`;
  }

  add(rolloutId: string, step: string, audioS: number, c: SessionComparison): void {
    const key = this.key(rolloutId, step);
    const t = this.totals.get(key) ?? emptyShadowTotals();
    t.sessions += 1;
    t.audioS += audioS;
    t.primaryWords += c.primaryWords;
    t.wordEdits += c.wordDisagreement * Math.max(1, c.primaryWords);
    [c.primary, c.candidate].forEach((side, i) => {
      t.finals[i as 0 | 1] += side.finals;
      t.emptyFinals[i as 0 | 1] += side.emptyFinals;
      t.partialsPerFinal[i as 0 | 1] += side.partialsPerFinal;
    });
    this.totals.set(key, t);
  }

  /** Sessions compared for the step: the totals change only when this does. */
  sessions(rolloutId: string, step: string): number {
    return this.totals.get(this.key(rolloutId, step))?.sessions ?? 0;
  }

  /** This gateway's totals for the step (a copy), for the pool. */
  snapshot(rolloutId: string, step: string): ShadowTotals {
    return structuredClone(this.totals.get(this.key(rolloutId, step)) ?? emptyShadowTotals());
  }

  /** What a gate reads for this rollout's step (nothing measured yet: empty figures). */
  evidence(rolloutId: string, step: string): StepEvidence {
    return shadowEvidenceOf(this.snapshot(rolloutId, step));
  }
}

/** Several gateways' totals as one. */
export function mergeShadowTotals(all: readonly ShadowTotals[]): ShadowTotals {
  const m = emptyShadowTotals();
  for (const t of all) {
    m.sessions += t.sessions;
    m.audioS += t.audioS;
    m.primaryWords += t.primaryWords;
    m.wordEdits += t.wordEdits;
    for (const i of [0, 1] as const) {
      m.finals[i] += t.finals[i];
      m.emptyFinals[i] += t.emptyFinals[i];
      m.partialsPerFinal[i] += t.partialsPerFinal[i];
    }
  }
  return m;
}

export function shadowEvidenceOf(t: ShadowTotals): StepEvidence {
  const side = (i: 0 | 1): MetricFigures =>
    t.sessions === 0
      ? {}
      : {
          empty_final_rate: t.emptyFinals[i] / Math.max(1, t.finals[i]),
          partial_churn: t.partialsPerFinal[i] / t.sessions,
        };
  return {
    sessions: t.sessions,
    audioMinutes: t.audioS / 60,
    baseline: side(0),
    candidate: {
      ...side(1),
      ...(t.sessions > 0 ? { word_disagreement: t.wordEdits / Math.max(1, t.primaryWords) } : {}),
    },
  };
}
