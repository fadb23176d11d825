/**
 * Scores by slice: one corpus figure for every tag that occurs in the items, plus 'all'.
 * An item counts in every slice it is tagged with. Each slice is aggregated from totals
 * (error-rate.ts), so a slice figure is its errors over its reference words.
 *
 * Slices come out as 'all' first, then tags in code-point order. 'all' is reserved: an item
 * tagged 'all' is an INVALID_ARGUMENT error.
 */

import { invalidArgument } from '../core/index.js';
import { aggregate, aggregateChars, charErrorRate, wordErrorRate } from './error-rate.js';
import type {
  CharErrorResult,
  CorpusCharErrorRate,
  CorpusWordErrorRate,
  WordErrorResult,
} from './error-rate.js';
import { normalizeMultilingual, normalizeText } from './normalize-text.js';

export const ALL_SLICE = 'all';

export interface SliceItem {
  readonly id: string;
  readonly tags: readonly string[];
  /** Reference as written; normalised here. */
  readonly ref: string;
  /** Hypothesis as the engine returned it; normalised here. */
  readonly hyp: string;
}

export interface SliceOptions {
  /**
   * Applied to reference and hypothesis alike. Default for `scoreBySlice`:
   * `normalizeText(t, { numbers: 'keep' })`; for `scoreCharsBySlice`: `normalizeMultilingual`.
   */
  readonly normalize?: (text: string) => string;
}

export interface ScoredItem<R> {
  readonly id: string;
  readonly tags: readonly string[];
  /** Normalised reference and hypothesis, as scored. */
  readonly ref: string;
  readonly hyp: string;
  readonly result: R;
}

export type SliceScore<C> = C & { readonly slice: string };

export interface SliceReport<C, R> {
  /** 'all' first, then one entry per tag. */
  readonly slices: readonly SliceScore<C>[];
  /** Per-item scores, in input order. */
  readonly items: readonly ScoredItem<R>[];
}

export type WordSliceReport = SliceReport<CorpusWordErrorRate, WordErrorResult>;
export type CharSliceReport = SliceReport<CorpusCharErrorRate, CharErrorResult>;

function scoreSlices<C, R>(
  items: readonly SliceItem[],
  normalize: (text: string) => string,
  score: (ref: string, hyp: string) => R,
  sum: (results: readonly R[]) => C,
): SliceReport<C, R> {
  const scored: ScoredItem<R>[] = [];
  const byTag = new Map<string, R[]>();
  for (const [index, item] of items.entries()) {
    const ref = normalize(item.ref);
    const hyp = normalize(item.hyp);
    const result = score(ref, hyp);
    scored.push({ id: item.id, tags: item.tags, ref, hyp, result });
    for (const tag of new Set(item.tags)) {
      if (tag === ALL_SLICE) {
        throw invalidArgument(
          `items[${index}].tags`,
          `must not contain '${ALL_SLICE}' (reserved)`,
          item.id,
        );
      }
      const bucket = byTag.get(tag);
      if (bucket === undefined) byTag.set(tag, [result]);
      else bucket.push(result);
    }
  }
  const tags = [...byTag.keys()].sort();
  const slices: SliceScore<C>[] = [
    { ...sum(scored.map((s) => s.result)), slice: ALL_SLICE },
    ...tags.map((tag) => ({ ...sum(byTag.get(tag)!), slice: tag })),
  ];
  return { slices, items: scored };
}

/** Corpus WER per tag and for 'all'. */
export function scoreBySlice(
  items: readonly SliceItem[],
  options: SliceOptions = {},
): WordSliceReport {
  const normalize =
    options.normalize ?? ((text: string) => normalizeText(text, { numbers: 'keep' }));
  return scoreSlices(items, normalize, wordErrorRate, aggregate);
}

/** Corpus CER per tag and for 'all' (for ja, zh and other languages without spaces). */
export function scoreCharsBySlice(
  items: readonly SliceItem[],
  options: SliceOptions = {},
): CharSliceReport {
  return scoreSlices(
    items,
    options.normalize ?? normalizeMultilingual,
    charErrorRate,
    aggregateChars,
  );
}
