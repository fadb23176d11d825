/**
 * The `eval` block of a manifest is derived from reports, never typed in. These functions read
 * the two reports that exist today and summarise them:
 *
 * - `voxfleet eval` writes result.json (schema 'voxfleet.eval.result', version 1);
 * - `voxfleet capacity` writes capacity.json (schema 'voxfleet.capacity/1').
 *
 * The registry may not import eval (ARCHITECTURE.md), so the few fields read are restated here;
 * eval-summary.test.ts and publish.test.ts summarise reports built by eval's own code, so a change on that side
 * fails a test here. A report of another schema version is refused, not guessed at.
 */
import { z } from 'zod';
import { VoxfleetError } from '../core/index.js';
import {
  CAPACITY_REPORT_SCHEMA,
  EVAL_REPORT_SCHEMA,
  type CapacitySummary,
  type QualitySummary,
} from './manifest-contract.js';
import { formatPath } from './manifest.js';

const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();
const percentiles = z.object({ p50: rate, p95: rate, p99: rate });
const slice = z.object({
  slice: z.string().min(1),
  utterances: count,
  refWords: count,
  wer: rate,
  cer: rate,
});

/** What both reports say of the machine they measured on (cpuFeatures since 2026-12-01). */
const machineFields = {
  cpuModel: z.string().min(1),
  cores: count,
  cpuFeatures: z.array(z.string()).optional(),
};

const evalReportSchema = z.object({
  schema: z.literal('voxfleet.eval.result'),
  schemaVersion: z.literal(1),
  createdAt: z.string().min(1),
  config: z.object({ path: z.enum(['rest', 'ws', 'ws-realtime', 'engine']) }),
  served: z.object({
    model: z.string().nullable(),
    modelVersion: z.string().nullable(),
    versions: z.record(z.string(), count),
  }),
  normalization: z.object({ numbers: z.enum(['spell', 'keep']) }),
  machine: z.object(machineFields),
  summary: z.object({
    utterances: count,
    failed: count,
    audioS: rate,
    latencyMs: percentiles.nullable(),
    rtf: z.object({ p50: rate, p95: rate, total: rate }).nullable(),
  }),
  scores: z.object({ spell: z.array(slice).min(1), keep: z.array(slice).min(1) }),
  comparison: z
    .object({
      baseline: z.object({ model: z.string().nullable(), modelVersion: z.string().nullable() }),
      pairedUtterances: count,
      slices: z.array(z.object({ slice: z.string().min(1), delta: z.number(), ciLow: z.number() })),
      gate: z.object({
        worstSlice: z.string().min(1),
        worstDelta: z.number(),
        worstCiLow: z.number(),
        regressedSlices: z.array(z.string().min(1)),
        failed: z.boolean(),
      }),
    })
    .optional(),
});

const capacityReportSchema = z.object({
  schema: z.literal(CAPACITY_REPORT_SCHEMA),
  createdAt: z.string().min(1),
  model: z.object({ id: z.string(), version: z.string() }),
  machine: z.object({ ...machineFields, memoryBytes: count }),
  slo: z.object({ finalP95Ms: rate, firstPartialP95Ms: rate, maxErrorRate: rate }),
  stepDurationS: rate,
  rows: z
    .array(
      z.object({
        frameMs: z.number().int().positive(),
        maxStreams: count,
        outcome: z.enum(['found', 'capped', 'none']),
      }),
    )
    .min(1),
});

/** A summary and the model@version the report says it measured. */
export interface Summarised<S> {
  readonly summary: S;
  /** `name@version` of everything the report measured (several when versions were mixed). */
  readonly measured: readonly string[];
}

/** Summarises a parsed result.json; `report` is its path in the manifest's files. */
export function summarizeEvalReport(value: unknown, report: string): Summarised<QualitySummary> {
  const r = parseReport(evalReportSchema, value, report);
  const numbers = r.normalization.numbers;
  const c = r.comparison;
  const summary: QualitySummary = {
    report,
    schema: EVAL_REPORT_SCHEMA,
    createdAt: r.createdAt,
    path: r.config.path,
    numbers,
    utterances: r.summary.utterances,
    failed: r.summary.failed,
    audioS: r.summary.audioS,
    slices: r.scores[numbers].map((s) => ({
      slice: s.slice,
      utterances: s.utterances,
      refWords: s.refWords,
      wer: s.wer,
      cer: s.cer,
    })),
    latencyMs:
      r.summary.latencyMs === null
        ? null
        : {
            p50: r.summary.latencyMs.p50,
            p95: r.summary.latencyMs.p95,
            p99: r.summary.latencyMs.p99,
          },
    rtf:
      r.summary.rtf === null
        ? null
        : { p50: r.summary.rtf.p50, p95: r.summary.rtf.p95, total: r.summary.rtf.total },
    baseline:
      c === undefined
        ? null
        : {
            model: c.baseline.model,
            modelVersion: c.baseline.modelVersion,
            pairedUtterances: c.pairedUtterances,
            worstSlice: c.gate.worstSlice,
            worstDelta: c.gate.worstDelta,
            worstCiLow: c.gate.worstCiLow,
            ...wholeSetDelta(c.slices),
            regressedSlices: [...c.gate.regressedSlices],
            gateFailed: c.gate.failed,
          },
    machine: { cpuModel: r.machine.cpuModel, cores: r.machine.cores, ...featuresOf(r.machine) },
  };
  const measured = Object.entries(r.served.versions)
    .filter(([, n]) => n > 0)
    .map(([ref]) => ref)
    .sort();
  return { summary, measured };
}

/** Summarises a parsed capacity.json; `report` is its path in the manifest's files. */
export function summarizeCapacityReport(
  value: unknown,
  report: string,
): Summarised<CapacitySummary> {
  const r = parseReport(capacityReportSchema, value, report);
  const summary: CapacitySummary = {
    report,
    schema: CAPACITY_REPORT_SCHEMA,
    createdAt: r.createdAt,
    slo: {
      finalP95Ms: r.slo.finalP95Ms,
      firstPartialP95Ms: r.slo.firstPartialP95Ms,
      maxErrorRate: r.slo.maxErrorRate,
    },
    stepDurationS: r.stepDurationS,
    rows: r.rows.map((row) => ({
      frameMs: row.frameMs,
      maxStreams: row.maxStreams,
      outcome: row.outcome,
    })),
    machine: {
      cpuModel: r.machine.cpuModel,
      cores: r.machine.cores,
      memoryBytes: r.machine.memoryBytes,
      ...featuresOf(r.machine),
    },
  };
  return { summary, measured: [`${r.model.id}@${r.model.version}`] };
}

/** The CPU's vector extensions when the report has them (reports since 2026-12-01). */
function featuresOf(machine: { cpuFeatures?: string[] | undefined }): { cpuFeatures?: string[] } {
  return machine.cpuFeatures !== undefined ? { cpuFeatures: [...machine.cpuFeatures] } : {};
}

function parseReport<T>(schema: z.ZodType<T>, value: unknown, report: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = [...parsed.error.issues].sort((a, b) => a.path.length - b.path.length)[0];
  const where = first === undefined ? '' : ` at '${formatPath(first.path)}'`;
  throw new VoxfleetError(
    'MODEL_MANIFEST_INVALID',
    `${report} is not a report this voxfleet can summarise${where}: ${first?.message ?? 'invalid'}`,
    { field: report },
    { cause: parsed.error },
  );
}

/** The whole set's row of a comparison ('all', always first in eval's reports). */
function wholeSetDelta(slices: readonly { slice: string; delta: number; ciLow: number }[]): {
  allDelta?: number;
  allCiLow?: number;
} {
  const all = slices.find((s) => s.slice === 'all');
  return all === undefined ? {} : { allDelta: all.delta, allCiLow: all.ciLow };
}
