/**
 * Paired bootstrap of a WER difference over utterances.
 *
 * Each resample draws n utterances with replacement from the n paired ones (the same draws for
 * both systems), and computes candidate WER - baseline WER on it, each WER from totals
 * (errors / max(1, reference words)). The interval is the percentile interval of those
 * differences (nearest rank): for 95 %, the 2.5th and 97.5th percentiles. Identical systems
 * give [0, 0]; the point estimate `delta` is the difference on the utterances as they are.
 */
import { nearestRank } from '../report/percentiles.js';
import { createPrng } from './prng.js';

/** One utterance scored by both systems against the same reference. */
export interface PairedCounts {
  readonly refWords: number;
  readonly baselineErrors: number;
  readonly candidateErrors: number;
}

export interface BootstrapOptions {
  readonly resamples: number;
  readonly seed: number;
  /** Two-sided coverage, e.g. 0.95. */
  readonly confidence: number;
}

export interface DeltaInterval {
  readonly baselineWer: number;
  readonly candidateWer: number;
  /** candidateWer - baselineWer on all utterances. */
  readonly delta: number;
  readonly ciLow: number;
  readonly ciHigh: number;
}

function werDelta(refWords: number, baselineErrors: number, candidateErrors: number): number {
  const words = Math.max(1, refWords);
  return candidateErrors / words - baselineErrors / words;
}

export function bootstrapWerDelta(
  pairs: readonly PairedCounts[],
  options: BootstrapOptions,
): DeltaInterval {
  let refWords = 0;
  let baselineErrors = 0;
  let candidateErrors = 0;
  for (const p of pairs) {
    refWords += p.refWords;
    baselineErrors += p.baselineErrors;
    candidateErrors += p.candidateErrors;
  }
  const words = Math.max(1, refWords);
  const point = {
    baselineWer: baselineErrors / words,
    candidateWer: candidateErrors / words,
    delta: werDelta(refWords, baselineErrors, candidateErrors),
  };
  const n = pairs.length;
  if (n === 0) return { ...point, ciLow: 0, ciHigh: 0 };
  const random = createPrng(options.seed);
  const deltas = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    let w = 0;
    let b = 0;
    let c = 0;
    for (let k = 0; k < n; k++) {
      const p = pairs[Math.floor(random() * n)]!;
      w += p.refWords;
      b += p.baselineErrors;
      c += p.candidateErrors;
    }
    deltas[r] = werDelta(w, b, c);
  }
  const sorted = Array.from(deltas).sort((x, y) => x - y);
  const tail = (1 - options.confidence) / 2;
  return { ...point, ciLow: nearestRank(sorted, tail), ciHigh: nearestRank(sorted, 1 - tail) };
}
