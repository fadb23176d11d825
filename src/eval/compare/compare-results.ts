/**
 * Per-slice WER deltas of this run (the candidate) against a baseline run on the same audio,
 * paired by utterance id, with a bootstrap interval per slice and a gate summary.
 *
 * Both hypotheses are scored against the candidate's references with the candidate's
 * normalisation, so a baseline read from an older result.json is re-scored, not trusted.
 * Slices: 'all', then every tag of the paired utterances, in code-point order.
 * Gate: only 'all' and slices of at least `minGateUtterances` paired utterances are gated (an
 * interval from two or three utterances says little, and one utterance gives a zero-width one).
 * The worst gated slice is the one whose interval's lower bound is highest (the most certain
 * regression); the gate fails when that bound exceeds `maxRegressionWer`.
 */
import { invalidArgument } from '../../core/index.js';
import { wordErrorRate } from '../error-rate.js';
import type { NumberMode } from '../normalize-text.js';
import type { Comparison, EvalResult, GateSummary, SliceDelta } from '../report/result-types.js';
import { normalizerFor } from '../report/score-utterances.js';
import { ALL_SLICE } from '../slices.js';
import { bootstrapWerDelta, type PairedCounts } from './bootstrap.js';
import { seedFor } from './prng.js';

export interface CompareOptions {
  readonly baseline: { readonly kind: 'model' | 'result'; readonly source: string };
  readonly numbers: NumberMode;
  readonly seed: number;
  readonly resamples: number;
  /** Two-sided coverage of the intervals; default 0.95. */
  readonly confidence?: number;
  /** Largest allowed WER increase as a fraction (0.005 = half a point); undefined = no gate. */
  readonly maxRegressionWer: number | undefined;
  /** Smallest slice (paired utterances) the gate looks at ('all' is always gated). */
  readonly minGateUtterances: number;
}

interface Pair extends PairedCounts {
  readonly tags: readonly string[];
}

export function compareResults(
  candidate: EvalResult,
  baseline: EvalResult,
  options: CompareOptions,
): Comparison {
  const confidence = options.confidence ?? 0.95;
  const baselineById = new Map(
    baseline.utterances.filter((u) => u.error === undefined).map((u) => [u.id, u]),
  );
  const warnings: string[] = [];
  const pairs: Pair[] = [];
  let missing = 0;
  let refsDiffer = 0;
  for (const c of candidate.utterances) {
    if (c.error !== undefined) continue;
    const b = baselineById.get(c.id);
    if (b === undefined) {
      missing++;
      continue;
    }
    const normalize = normalizerFor(c.language, options.numbers);
    const ref = normalize(c.ref);
    if (normalize(b.ref) !== ref) refsDiffer++;
    const candidateScore = wordErrorRate(ref, normalize(c.hyp));
    pairs.push({
      tags: c.tags,
      refWords: candidateScore.refWords,
      candidateErrors: candidateScore.errors,
      baselineErrors: wordErrorRate(ref, normalize(b.hyp)).errors,
    });
  }
  if (pairs.length === 0)
    throw invalidArgument(
      'compare',
      'shares no successfully transcribed utterance id with this run',
      options.baseline.source,
    );
  if (missing > 0)
    warnings.push(`${missing} utterance(s) of this run are missing or failed in the baseline`);
  const unpaired = baselineById.size - pairs.length;
  if (unpaired > 0) warnings.push(`${unpaired} baseline utterance(s) are not in this run`);
  if (refsDiffer > 0)
    warnings.push(
      `${refsDiffer} reference(s) differ from the baseline's; both scored against this run's`,
    );

  const minGate = options.minGateUtterances;
  const tags = [...new Set(pairs.flatMap((p) => p.tags))].sort();
  const slices = [ALL_SLICE, ...tags].map((slice): SliceDelta => {
    const members = slice === ALL_SLICE ? pairs : pairs.filter((p) => p.tags.includes(slice));
    const interval = bootstrapWerDelta(members, {
      resamples: options.resamples,
      seed: seedFor(options.seed, slice),
      confidence,
    });
    return {
      slice,
      utterances: members.length,
      refWords: members.reduce((s, p) => s + p.refWords, 0),
      ...interval,
      gated: slice === ALL_SLICE || members.length >= minGate,
    };
  });
  return {
    baseline: {
      ...options.baseline,
      model: baseline.served.model,
      modelVersion: baseline.served.modelVersion,
    },
    numbers: options.numbers,
    confidence,
    resamples: options.resamples,
    seed: options.seed,
    pairedUtterances: pairs.length,
    slices,
    gate: summarizeGate(slices, options.maxRegressionWer, minGate),
    warnings,
  };
}

/** The most certainly regressed gated slice, and whether it breaks the threshold. */
export function summarizeGate(
  slices: readonly SliceDelta[],
  maxRegressionWer: number | undefined,
  minGateUtterances: number,
): GateSummary {
  const gated = slices.filter((s) => s.gated);
  const worst = [...gated].sort((a, b) => b.ciLow - a.ciLow || b.delta - a.delta)[0];
  if (worst === undefined) throw invalidArgument('slices', 'must hold at least one gated slice');
  const regressed =
    maxRegressionWer === undefined
      ? []
      : gated.filter((s) => s.ciLow > maxRegressionWer).map((s) => s.slice);
  return {
    maxRegression: maxRegressionWer ?? null,
    minGateUtterances,
    worstSlice: worst.slice,
    worstDelta: worst.delta,
    worstCiLow: worst.ciLow,
    worstCiHigh: worst.ciHigh,
    regressedSlices: regressed,
    failed: regressed.length > 0,
  };
}
