/**
 * Word and character error rates.
 *
 * Inputs are compared as given: normalise both sides first (normalize-text.ts), with the same
 * function. Words are the whitespace-separated tokens; characters are Unicode code points after
 * all whitespace is removed (CER for ja / zh: "characters after removing spaces").
 *
 * Rate = (S + I + D) / max(1, reference length). So:
 * - empty reference, empty hypothesis → 0;
 * - empty reference, k hypothesis tokens → k (every token an insertion; k = 3 gives 3.0, i.e.
 *   300 %): finite and JSON-safe, growing with the amount of hallucinated text, and the same
 *   rule as the corpus total, where such an utterance adds k errors and 0 reference words;
 * - empty hypothesis → 1 (all deleted).
 * Rates are fractions (0.168), not percentages.
 *
 * Corpus figures (`aggregate`) are total errors over total reference tokens, never the mean of
 * per-utterance rates, so long utterances weigh as much as their words.
 */

import { alignTokens, type AlignedPair, type EditCounts } from '../core/index.js';

export interface WordErrorResult extends EditCounts {
  readonly refWords: number;
  readonly hypWords: number;
  /** errors / max(1, refWords). */
  readonly wer: number;
  readonly alignment: readonly AlignedPair[];
}

export interface CharErrorResult extends EditCounts {
  readonly refChars: number;
  readonly hypChars: number;
  /** errors / max(1, refChars). */
  readonly cer: number;
  readonly alignment: readonly AlignedPair[];
}

interface CorpusCounts {
  /** Number of utterances summed. */
  readonly utterances: number;
  readonly substitutions: number;
  readonly insertions: number;
  readonly deletions: number;
  readonly errors: number;
}

export interface CorpusWordErrorRate extends CorpusCounts {
  readonly refWords: number;
  /** Total errors / max(1, total reference words). */
  readonly wer: number;
}

export interface CorpusCharErrorRate extends CorpusCounts {
  readonly refChars: number;
  /** Total errors / max(1, total reference characters). */
  readonly cer: number;
}

/** Whitespace-separated tokens; empty text gives no tokens. */
export function splitWords(text: string): string[] {
  return text.split(/\s+/u).filter((w) => w.length > 0);
}

/** Unicode code points with whitespace removed. */
export function splitChars(text: string): string[] {
  return Array.from(text.replace(/\s+/gu, ''));
}

const rate = (errors: number, refLength: number): number => errors / Math.max(1, refLength);

/** WER of one normalised hypothesis against one normalised reference, with the alignment. */
export function wordErrorRate(ref: string, hyp: string): WordErrorResult {
  const refTokens = splitWords(ref);
  const hypTokens = splitWords(hyp);
  const { pairs, ...counts } = alignTokens(refTokens, hypTokens);
  return {
    ...counts,
    refWords: refTokens.length,
    hypWords: hypTokens.length,
    wer: rate(counts.errors, refTokens.length),
    alignment: pairs,
  };
}

/** CER of one normalised hypothesis against one normalised reference (spaces ignored). */
export function charErrorRate(ref: string, hyp: string): CharErrorResult {
  const refTokens = splitChars(ref);
  const hypTokens = splitChars(hyp);
  const { pairs, ...counts } = alignTokens(refTokens, hypTokens);
  return {
    ...counts,
    refChars: refTokens.length,
    hypChars: hypTokens.length,
    cer: rate(counts.errors, refTokens.length),
    alignment: pairs,
  };
}

function sumCounts(results: readonly EditCounts[]): CorpusCounts {
  let substitutions = 0;
  let insertions = 0;
  let deletions = 0;
  for (const r of results) {
    substitutions += r.substitutions;
    insertions += r.insertions;
    deletions += r.deletions;
  }
  return {
    utterances: results.length,
    substitutions,
    insertions,
    deletions,
    errors: substitutions + insertions + deletions,
  };
}

/** Corpus WER: total errors / total reference words (not the mean of per-utterance WER). */
export function aggregate(results: readonly WordErrorResult[]): CorpusWordErrorRate {
  const counts = sumCounts(results);
  const refWords = results.reduce((sum, r) => sum + r.refWords, 0);
  return { ...counts, refWords, wer: rate(counts.errors, refWords) };
}

/** Corpus CER: total errors / total reference characters. */
export function aggregateChars(results: readonly CharErrorResult[]): CorpusCharErrorRate {
  const counts = sumCounts(results);
  const refChars = results.reduce((sum, r) => sum + r.refChars, 0);
  return { ...counts, refChars, cer: rate(counts.errors, refChars) };
}
