/**
 * A release plan is data: which version replaces which, and the ordered steps that get it
 * there, each with who it reaches (selector), how long and on how much evidence it must run,
 * and the gates it must pass. `parsePlan` is the only way a plan enters the program: a bad plan
 * is INVALID_ARGUMENT naming the field, before anything is rolled out.
 *
 * Example: shadow 100 % in us-west, canary 1 % of us-west sessions from low-risk tenants in
 * English, 100 % us-west, then eu-west, then everywhere.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { VoxfleetError, invalidArgument } from '../core/index.js';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');
/** `name@version`, e.g. `whisper-tiny.en@1.0.0`. */
const versionRef = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}@\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/, 'must be name@x.y.z');

export const TENANT_RISKS = ['low', 'medium', 'high'] as const;
export type TenantRisk = (typeof TENANT_RISKS)[number];

/**
 * What a caller declared it cares about most (`x-voxfleet-priority`): `latency` (a voice
 * assistant waiting for the first audio byte) or `quality` (read-aloud, captions for later).
 */
export const CALLER_PRIORITIES = ['latency', 'quality'] as const;
export type CallerPriority = (typeof CALLER_PRIORITIES)[number];
const priorities = z.array(z.enum(CALLER_PRIORITIES)).min(1);

const selectorSchema = z
  .object({
    /** Regions the step reaches; absent: every region. */
    regions: z.array(token).min(1).optional(),
    /** Share of the matching sessions and requests, by a stable hash of the caller. */
    percent: z.number().min(0).max(100),
    /** Only tenants of these risk tiers (from the fleet file); absent: any. */
    tenantRisk: z.array(z.enum(TENANT_RISKS)).min(1).optional(),
    /** Only these languages (ISO 639, as requested); absent: any. */
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code')).optional(),
    /**
     * Canary streams longer than this move to the baseline at their next final; files longer
     * than this are not selected.
     */
    maxSessionS: z.number().positive().optional(),
    /** Only callers that declared one of these priorities; absent: any caller. */
    priorities: priorities.optional(),
  })
  .strict();

/** Metrics a gate can read; where each comes from is in docs/releases.md. */
export const GATE_METRICS = [
  // live proxies (shadow: candidate against the primary on the same audio)
  'word_disagreement',
  'empty_final_rate',
  'partial_churn',
  // serving
  'first_partial_p95_ms',
  'final_p95_ms',
  'final_p99_ms',
  'tts_first_byte_p95_ms',
  'error_rate',
  'rtf_p95',
  // the step's workers while it runs, both versions loaded (gate with value)
  'queue_depth_p95',
  'memory_mb',
  'cost_per_audio_hour',
  // offline quality (`voxfleet eval --compare` on the gate set)
  'wer_delta',
  'worst_slice_wer_delta',
  // a voice's round trip: its speech transcribed back by a judge ASR model (`release voice-check`)
  'roundtrip_wer',
  // ...and the lower bound of the 95 % paired bootstrap interval of candidate minus baseline
  'roundtrip_wer_delta',
  // privacy: sentinel traffic found in logs, metrics or the fleet view (`release privacy-check`)
  'privacy_leaks',
  // rollback: a drill's time from decision to new sessions on the baseline (controller.ts)
  'rollback_drill_ms',
] as const;
export type GateMetric = (typeof GATE_METRICS)[number];

const gateSchema = z
  .object({
    metric: z.enum(GATE_METRICS),
    /**
     * `value`: the candidate's own figure; `delta`: candidate minus baseline; `ratio`:
     * candidate over baseline (latency and cost budgets).
     */
    compare: z.enum(['value', 'delta', 'ratio']).default('value'),
    /** The figure must not exceed this. */
    max: z.number(),
    /**
     * When this gate fails, callers of these priorities go back to the baseline for the rest of
     * the rollout and after it, instead of the step failing: a voice that misses the
     * conversational first-byte budget still reaches read-aloud callers. The gate is not judged
     * again once they are held back.
     */
    holdBack: priorities.optional(),
  })
  .strict();

const stepSchema = z
  .object({
    name: token,
    /** shadow: the candidate decodes a copy, users get the baseline; canary/full: users get it. */
    kind: z.enum(['shadow', 'canary', 'full']),
    selector: selectorSchema,
    /** The step runs at least this long, however good the numbers look. */
    minDurationS: z.number().nonnegative(),
    /** And on at least this much evidence. */
    minSample: z
      .object({
        sessions: z.number().int().nonnegative().default(0),
        audioMinutes: z.number().nonnegative().default(0),
      })
      .strict(),
    /** Past this without enough evidence the step fails (a gate that never sees data fails). */
    maxDurationS: z.number().positive(),
    gates: z.array(gateSchema).default([]),
  })
  .strict()
  .refine((s) => s.maxDurationS >= s.minDurationS, {
    message: 'maxDurationS must be at least minDurationS',
    path: ['maxDurationS'],
  });

const planSchema = z
  .object({
    id: token,
    /** The name callers ask for (an alias such as `asr-en`, or a model name). */
    model: z.string().min(1).max(64),
    baseline: versionRef,
    candidate: versionRef,
    steps: z.array(stepSchema).min(1),
    /** A failed gate rolls back (default) or only pauses for a human. */
    onGateFailure: z.enum(['rollback', 'pause']).default('rollback'),
    /**
     * What rollback does to open canary streams: let them finish on the candidate, or move them
     * to the baseline at their next final (never mid-utterance).
     */
    openStreamsOnRollback: z.enum(['finish', 'move_at_next_final']).default('finish'),
    /** Callers of these priorities keep the baseline throughout, and after completion. */
    holdBack: priorities.optional(),
  })
  .strict()
  .refine((p) => p.baseline !== p.candidate, {
    message: 'candidate must differ from baseline',
    path: ['candidate'],
  });

export type ReleasePlan = z.infer<typeof planSchema>;
export type PlanStep = ReleasePlan['steps'][number];
export type StepSelector = PlanStep['selector'];
export type Gate = PlanStep['gates'][number];

export function parsePlan(raw: unknown): ReleasePlan {
  const parsed = planSchema.safeParse(raw);
  if (parsed.success) {
    assertUniqueStepNames(parsed.data);
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? 'plan' : ['plan', ...issue.path].join('.');
  throw invalidArgument(field, issue?.message ?? 'is invalid');
}

export function loadPlan(path: string): ReleasePlan {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `cannot read the release plan ${path} as JSON`,
      { field: 'plan' },
      { cause: err },
    );
  }
  return parsePlan(raw);
}

function assertUniqueStepNames(plan: ReleasePlan): void {
  const seen = new Set<string>();
  for (const step of plan.steps) {
    if (seen.has(step.name))
      throw invalidArgument('plan.steps', 'names must not repeat', step.name);
    seen.add(step.name);
  }
}
