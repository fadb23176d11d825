/**
 * Validation of result.json when it is read back (`--compare previous/result.json`, tools that
 * consume it). Fields the schema does not know are dropped; missing or mistyped fields are an
 * INVALID_ARGUMENT error naming the first bad field, e.g. `'utterances[3].hyp' must be a string`.
 */
import { z } from 'zod';
import { VoxfleetError } from '../../core/index.js';
import { EVAL_RESULT_SCHEMA, EVAL_RESULT_VERSION, type EvalResult } from './result-types.js';

const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();
const numbersMode = z.enum(['spell', 'keep']);

const sliceScores = z.object({
  slice: z.string(),
  utterances: count,
  refWords: count,
  substitutions: count,
  insertions: count,
  deletions: count,
  errors: count,
  wer: rate,
  refChars: count,
  charErrors: count,
  cer: rate,
});

const utteranceScore = sliceScores.omit({ slice: true, utterances: true });

const percentiles = z.object({
  n: count,
  p50: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
  mean: z.number(),
});

const utterance = z.object({
  id: z.string().min(1),
  audio: z.string(),
  tags: z.array(z.string()),
  language: z.string(),
  ref: z.string(),
  hyp: z.string(),
  durationS: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  rtf: z.number().nonnegative(),
  firstPartialMs: z.number().optional(),
  finalMs: z.number().optional(),
  model: z.string().optional(),
  modelVersion: z.string().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
  scores: z.object({ spell: utteranceScore, keep: utteranceScore }).optional(),
});

const sliceDelta = z.object({
  slice: z.string(),
  utterances: count,
  refWords: count,
  baselineWer: rate,
  candidateWer: rate,
  delta: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  gated: z.boolean(),
});

const comparison = z.object({
  baseline: z.object({
    kind: z.enum(['model', 'result']),
    source: z.string(),
    model: z.string().nullable(),
    modelVersion: z.string().nullable(),
  }),
  numbers: numbersMode,
  confidence: z.number().gt(0).lt(1),
  resamples: count,
  seed: count,
  pairedUtterances: count,
  slices: z.array(sliceDelta),
  gate: z.object({
    maxRegression: z.number().nullable(),
    minGateUtterances: count,
    worstSlice: z.string(),
    worstDelta: z.number(),
    worstCiLow: z.number(),
    worstCiHigh: z.number(),
    regressedSlices: z.array(z.string()),
    failed: z.boolean(),
  }),
  warnings: z.array(z.string()),
});

const evalResultSchema = z.object({
  schema: z.literal(EVAL_RESULT_SCHEMA),
  schemaVersion: z.literal(EVAL_RESULT_VERSION),
  createdAt: z.string(),
  config: z.object({
    manifest: z.string(),
    target: z.string(),
    url: z.string(),
    path: z.enum(['rest', 'ws', 'ws-realtime', 'engine']),
    model: z.string().nullable(),
    language: z.string().nullable(),
    concurrency: count,
    frameMs: count,
    limit: count.nullable(),
    tags: z.array(z.string()),
    // Absent from files written before per-request deadlines existed.
    timeoutS: z.number().positive().nullable().default(null),
  }),
  served: z.object({
    model: z.string().nullable(),
    modelVersion: z.string().nullable(),
    versions: z.record(z.string(), count),
    models: z.array(z.object({ id: z.string(), version: z.string(), kind: z.string() })),
  }),
  normalization: z.object({
    numbers: numbersMode,
    english: z.string(),
    otherLanguages: z.string(),
  }),
  machine: z.object({
    cpuModel: z.string(),
    cores: count,
    cpuMhz: z.number().positive().optional(),
    cpuFeatures: z.array(z.string()).optional(),
    platform: z.string(),
    arch: z.string(),
    memoryBytes: count,
    node: z.string(),
  }),
  summary: z.object({
    utterances: count,
    failed: count,
    timedOut: count.default(0),
    audioS: z.number().nonnegative(),
    wallS: z.number().nonnegative(),
    throughputX: z.number().nonnegative(),
    rtf: percentiles.extend({ total: z.number().nonnegative() }).nullable(),
    latencyMs: percentiles.nullable(),
    firstPartialMs: percentiles.nullable(),
    finalMs: percentiles.nullable(),
  }),
  scores: z.object({ spell: z.array(sliceScores), keep: z.array(sliceScores) }),
  utterances: z.array(utterance),
  comparison: comparison.optional(),
});

/** Validates a parsed result.json; `origin` (a path) goes into the message. */
export function parseEvalResult(value: unknown, origin = 'result'): EvalResult {
  const parsed = evalResultSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = [...parsed.error.issues].sort((a, b) => a.path.length - b.path.length)[0];
  const field = first === undefined ? 'result' : formatPath(first.path);
  const rule = first?.message ?? 'is invalid';
  return fail(`${origin}: '${field}' ${rule.toLowerCase()}`, field, parsed.error);
}

/** Parses result.json text: invalid JSON and invalid content are INVALID_ARGUMENT errors. */
export function parseEvalResultJson(text: string, origin = 'result'): EvalResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return fail(`${origin}: not valid JSON (${(err as Error).message})`, 'result', err);
  }
  return parseEvalResult(value, origin);
}

function fail(message: string, field: string, cause: unknown): never {
  throw new VoxfleetError('INVALID_ARGUMENT', message, { field }, { cause });
}

function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path)
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? 'result' : out;
}
