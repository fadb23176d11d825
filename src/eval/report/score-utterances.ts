/**
 * Scores transcripts for a report: each utterance normalised for its language (English:
 * normalizeText with the numbers mode; other languages: normalizeMultilingual, where the
 * numbers mode changes nothing), then WER and CER per utterance and per slice from totals.
 */
import type { NumberMode } from '../normalize-text.js';
import { normalizeMultilingual, normalizeText } from '../normalize-text.js';
import { scoreBySlice, scoreCharsBySlice } from '../slices.js';
import type { SliceScores, UtteranceScore } from './result-types.js';

export interface ScoringInput {
  readonly id: string;
  readonly tags: readonly string[];
  readonly ref: string;
  readonly hyp: string;
  /** ISO 639-1 code the texts are in; 'en' when undefined. */
  readonly language: string;
}

export interface ScoredUtterances {
  readonly slices: readonly SliceScores[];
  /** In input order. */
  readonly utterances: readonly UtteranceScore[];
}

/** The language texts are normalised for: the request's, else the item's, else English. */
export function scoringLanguage(...candidates: (string | undefined)[]): string {
  for (const c of candidates)
    if (c !== undefined && c !== '' && c !== 'auto') return c.toLowerCase();
  return 'en';
}

/** The normaliser applied to both sides of an utterance in `language`. */
export function normalizerFor(language: string, numbers: NumberMode): (text: string) => string {
  const primary = language.toLowerCase().split(/[-_]/)[0];
  return primary === 'en'
    ? (text) => normalizeText(text, { numbers })
    : (text) => normalizeMultilingual(text);
}

/** WER and CER per utterance and per slice ('all' first, then tags in code-point order). */
export function scoreUtterances(
  items: readonly ScoringInput[],
  numbers: NumberMode,
): ScoredUtterances {
  // Normalise per item (languages can differ), then score the normalised texts as they are.
  const normalized = items.map((item) => {
    const normalize = normalizerFor(item.language, numbers);
    return { id: item.id, tags: item.tags, ref: normalize(item.ref), hyp: normalize(item.hyp) };
  });
  const asIs = { normalize: (text: string): string => text };
  const words = scoreBySlice(normalized, asIs);
  const chars = scoreCharsBySlice(normalized, asIs);
  const slices = words.slices.map((w, i): SliceScores => {
    const c = chars.slices[i]!;
    return {
      slice: w.slice,
      utterances: w.utterances,
      refWords: w.refWords,
      substitutions: w.substitutions,
      insertions: w.insertions,
      deletions: w.deletions,
      errors: w.errors,
      wer: w.wer,
      refChars: c.refChars,
      charErrors: c.errors,
      cer: c.cer,
    };
  });
  const utterances = words.items.map((w, i): UtteranceScore => {
    const c = chars.items[i]!.result;
    return {
      refWords: w.result.refWords,
      substitutions: w.result.substitutions,
      insertions: w.result.insertions,
      deletions: w.result.deletions,
      errors: w.result.errors,
      wer: w.result.wer,
      refChars: c.refChars,
      charErrors: c.errors,
      cer: c.cer,
    };
  });
  return { slices, utterances };
}
