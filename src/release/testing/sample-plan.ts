/** The plan the release tests share: shadow in us-west, 1 % canary, full us-west, eu-west, all. */
import type { StepEvidence } from '../gates.js';
import { parsePlan, type ReleasePlan } from '../plan.js';

/** Evidence that passes every gate of the sample plan, with samples to spare. */
export const HEALTHY_EVIDENCE: StepEvidence = Object.freeze({
  sessions: 500,
  audioMinutes: 900,
  candidate: { word_disagreement: 0.05, empty_final_rate: 0.01, final_p95_ms: 610, error_rate: 0 },
  baseline: { empty_final_rate: 0.01, final_p95_ms: 600, error_rate: 0 },
});

export function samplePlan(over: Record<string, unknown> = {}): ReleasePlan {
  return parsePlan({
    id: 'tiny-to-base',
    model: 'asr-en',
    baseline: 'whisper-tiny.en@1.0.0',
    candidate: 'whisper-base@1.0.0',
    steps: [
      {
        name: 'shadow-us-west',
        kind: 'shadow',
        selector: { regions: ['us-west'], percent: 100 },
        minDurationS: 600,
        minSample: { sessions: 50, audioMinutes: 30 },
        maxDurationS: 7200,
        gates: [
          { metric: 'word_disagreement', max: 0.15 },
          { metric: 'empty_final_rate', compare: 'delta', max: 0.02 },
        ],
      },
      {
        name: 'canary-us-west',
        kind: 'canary',
        selector: {
          regions: ['us-west'],
          percent: 1,
          tenantRisk: ['low'],
          languages: ['en'],
          maxSessionS: 120,
        },
        minDurationS: 1800,
        minSample: { sessions: 20 },
        maxDurationS: 14_400,
        gates: [{ metric: 'final_p95_ms', compare: 'ratio', max: 1.1 }],
      },
      {
        name: 'full-us-west',
        kind: 'full',
        selector: { regions: ['us-west'], percent: 100 },
        minDurationS: 3600,
        minSample: { sessions: 100 },
        maxDurationS: 86_400,
        gates: [{ metric: 'error_rate', max: 0.01 }],
      },
      {
        name: 'full-eu-west',
        kind: 'full',
        selector: { regions: ['eu-west'], percent: 100 },
        minDurationS: 3600,
        minSample: { sessions: 100 },
        maxDurationS: 86_400,
      },
      {
        name: 'everywhere',
        kind: 'full',
        selector: { percent: 100 },
        minDurationS: 0,
        minSample: {},
        maxDurationS: 86_400,
      },
    ],
    ...over,
  });
}
