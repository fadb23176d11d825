/**
 * The evidence a step's gates read, from both sources a gateway has: shadow comparisons (shadow
 * steps: the candidate beside the primary on the same audio) and what users of each version
 * felt (canary and full steps: the candidate's sessions against the step's baseline sessions).
 * The sample is the larger of the two: shadow sessions, or the candidate's own sessions.
 */
import type { StepEvidence } from '../../release/index.js';
import { fleetFiguresOf, type FleetTotals } from './fleet-samples.js';
import { servingFiguresOf, type ServingTotals } from './serving-evidence.js';
import { shadowEvidenceOf, type ShadowTotals } from './shadow-evidence.js';

export interface StepTotals {
  readonly shadow: ShadowTotals;
  readonly serving: ServingTotals;
  /** Absent in totals published by gateways from before fleet samples. */
  readonly fleet?: FleetTotals;
}

export function combinedEvidence(totals: StepTotals): StepEvidence {
  const s = shadowEvidenceOf(totals.shadow);
  const v = servingFiguresOf(totals.serving);
  return {
    sessions: Math.max(s.sessions, v.candidate.sessions),
    audioMinutes: Math.max(s.audioMinutes, v.candidate.audioS / 60),
    candidate: {
      ...v.candidateFigures,
      ...s.candidate,
      ...(totals.fleet !== undefined ? fleetFiguresOf(totals.fleet) : {}),
    },
    baseline: { ...v.baselineFigures, ...s.baseline },
  };
}
