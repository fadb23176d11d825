/**
 * The evidence a step's gates read, from both sources a gateway has: shadow comparisons (shadow
 * steps: the candidate beside the primary on the same audio) and what users of each version
 * felt (canary and full steps: the candidate's sessions against the step's baseline sessions).
 * The sample is the larger of the two: shadow sessions, or the candidate's own sessions.
 */
import type { StepEvidence } from '../../release/index.js';
import type { ServingEvidence } from './serving-evidence.js';
import type { ShadowEvidence } from './shadow-evidence.js';

export function combinedEvidence(
  shadow: ShadowEvidence,
  serving: ServingEvidence,
  rolloutId: string,
  step: string,
): StepEvidence {
  const s = shadow.evidence(rolloutId, step);
  const v = serving.figures(rolloutId, step);
  const servedS = v.candidate.audioS;
  return {
    sessions: Math.max(s.sessions, v.candidate.sessions),
    audioMinutes: Math.max(s.audioMinutes, servedS / 60),
    candidate: { ...v.candidateFigures, ...s.candidate },
    baseline: { ...v.baselineFigures, ...s.baseline },
  };
}
