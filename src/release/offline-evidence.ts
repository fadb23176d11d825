/**
 * The evidence a rollout carries from before it started: the `eval` blocks of the candidate's
 * and the baseline's manifests, summaries of `voxfleet eval` (with `--compare`) and
 * `voxfleet capacity` reports that `publish` re-derived from the reports themselves. Read once,
 * when the rollout starts, and kept in its state, so every controller judges on the same
 * figures and `release history` shows what they were.
 *
 * - `wer_delta`, `worst_slice_wer_delta`: the lower bound of the bootstrap interval of the WER
 *   delta, over the whole gate set and over its worst gated slice (noise, accent, short, ...),
 *   from the candidate's eval compared with the plan's baseline. A lower bound past the
 *   threshold is a regression that sampling noise does not explain. Gate them with `value`.
 * - `rtf_p95`: each version's p95 real-time factor from its eval.
 * - `cost_per_audio_hour`: machine-hours per hour of streamed audio, 1 / the most concurrent
 *   streams each version's capacity run held inside its SLO. Compare with `ratio` (a price per
 *   machine-hour multiplies both sides alike).
 *
 * A figure is left out, with a note saying why, when it would mislead: a comparison made
 * against another baseline, or two versions measured on different machines.
 */
import { z } from 'zod';
import { invalidArgument } from '../core/index.js';
import type { Manifest } from '../registry/index.js';
import type { MetricFigures } from './gates.js';
import { GATE_METRICS, type ReleasePlan } from './plan.js';

export interface OfflineEvidence {
  readonly candidate: MetricFigures;
  readonly baseline: MetricFigures;
  /** Why a figure the manifests might have given is absent. */
  readonly notes: readonly string[];
}

export function offlineEvidence(
  plan: Pick<ReleasePlan, 'baseline' | 'candidate'>,
  candidate: Manifest | undefined,
  baseline: Manifest | undefined,
): OfflineEvidence {
  const notes: string[] = [];
  const c: MetricFigures = {};
  const b: MetricFigures = {};
  if (candidate === undefined) notes.push(`no manifest found for ${plan.candidate}`);
  if (baseline === undefined) notes.push(`no manifest found for ${plan.baseline}`);

  const quality = candidate?.eval?.quality;
  const compared = quality?.baseline;
  if (quality === undefined) {
    if (candidate !== undefined) notes.push(`${plan.candidate} has no eval summary`);
  } else if (compared == null) {
    notes.push(`${plan.candidate}'s eval has no comparison (run voxfleet eval --compare)`);
  } else if (`${compared.model}@${compared.modelVersion}` !== plan.baseline) {
    notes.push(
      `${plan.candidate}'s eval compared it with ${compared.model}@${compared.modelVersion}, not ${plan.baseline}`,
    );
  } else {
    if (compared.allCiLow !== undefined) c.wer_delta = compared.allCiLow;
    if (compared.worstCiLow !== undefined) c.worst_slice_wer_delta = compared.worstCiLow;
    if (compared.allCiLow === undefined || compared.worstCiLow === undefined)
      notes.push(`${plan.candidate}'s eval summary predates confidence bounds: republish it`);
  }

  const baselineQuality = baseline?.eval?.quality;
  if (quality?.rtf != null) c.rtf_p95 = quality.rtf.p95;
  if (baselineQuality?.rtf != null) {
    if (quality?.rtf != null && !sameMachine(quality.machine, baselineQuality.machine))
      notes.push(`rtf_p95: the two evals ran on different machines; no baseline figure`);
    else b.rtf_p95 = baselineQuality.rtf.p95;
  }
  const cc = candidate?.eval?.capacity;
  const bc = baseline?.eval?.capacity;
  if (cc !== undefined) c.cost_per_audio_hour = machineHoursPerAudioHour(cc.rows);
  if (bc !== undefined) {
    if (cc !== undefined && !sameMachine(cc.machine, bc.machine))
      notes.push(`cost_per_audio_hour: the two capacity runs used different machines`);
    else b.cost_per_audio_hour = machineHoursPerAudioHour(bc.rows);
  }
  return { candidate: c, baseline: b, notes };
}

/** Live figures win over offline ones for a metric measured both ways. */
export function withOffline<E extends { candidate: MetricFigures; baseline: MetricFigures }>(
  evidence: E,
  offline: OfflineEvidence | undefined,
): E {
  if (offline === undefined) return evidence;
  return {
    ...evidence,
    candidate: { ...offline.candidate, ...evidence.candidate },
    baseline: { ...offline.baseline, ...evidence.baseline },
  };
}

interface MeasuredOn {
  readonly cpuModel: string;
  readonly cores: number;
  readonly cpuFeatures?: readonly string[] | undefined;
}

/**
 * Whether two reports' speed figures can be compared. The model name alone is not enough: two
 * VMs named "AMD EPYC" decoded whisper 2.6x apart, so the vector extensions must match too when
 * both reports name them (necessary, not sufficient: VMs of one description still vary). Reports
 * from before the extensions were recorded are compared by name and cores, as they always were.
 */
function sameMachine(a: MeasuredOn, b: MeasuredOn): boolean {
  if (a.cpuModel !== b.cpuModel || a.cores !== b.cores) return false;
  if (a.cpuFeatures === undefined || b.cpuFeatures === undefined) return true;
  return a.cpuFeatures.join(' ') === b.cpuFeatures.join(' ');
}

/**
 * 1 / the most streams held in the SLO. A version that held none costs without bound: the
 * largest finite number, which fails any gate and, unlike Infinity, survives JSON.
 */
function machineHoursPerAudioHour(rows: readonly { maxStreams: number }[]): number {
  const most = Math.max(0, ...rows.map((r) => r.maxStreams));
  return most === 0 ? Number.MAX_VALUE : 1 / most;
}

const figuresSchema = z.record(z.enum(GATE_METRICS), z.number().finite());
const offlineSchema = z
  .object({
    candidate: figuresSchema,
    baseline: figuresSchema,
    notes: z.array(z.string().max(1000)).max(50),
  })
  .strict();

/**
 * Offline evidence sent with a start over the admin API (`voxfleet release start --server` reads
 * the manifests where it runs, as it does for a fleet): checked as strictly as a plan.
 */
export function parseOfflineEvidence(raw: unknown): OfflineEvidence {
  const parsed = offlineSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = ['offline', ...(issue?.path ?? [])].join('.');
  throw invalidArgument(field, issue?.message ?? 'is invalid');
}
