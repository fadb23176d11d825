// Public surface of eval (scoring). Other roles and bench/ import from here only.
export { alignTokens } from './align.js';
export type { AlignOp, AlignedPair, Alignment, EditCounts } from './align.js';
export {
  aggregate,
  aggregateChars,
  charErrorRate,
  splitChars,
  splitWords,
  wordErrorRate,
} from './error-rate.js';
export type {
  CharErrorResult,
  CorpusCharErrorRate,
  CorpusWordErrorRate,
  WordErrorResult,
} from './error-rate.js';
export { parseManifest, readManifest } from './manifest.js';
export type { ManifestItem, ParseManifestOptions, ReadManifestOptions } from './manifest.js';
export { isNonSpeechTag, stripNonSpeechTags } from '../core/index.js';
export {
  isCharacterScoredLanguage,
  normalizeMultilingual,
  normalizeText,
} from './normalize-text.js';
export type { NormalizeOptions, NumberMode } from './normalize-text.js';
export {
  spellCardinal,
  spellDigits,
  spellInteger,
  spellYear,
  toOrdinalWords,
} from './number-words.js';
export { spellNumbers } from './spell-numbers.js';
export { ALL_SLICE, scoreBySlice, scoreCharsBySlice } from './slices.js';
export type {
  CharSliceReport,
  ScoredItem,
  SliceItem,
  SliceOptions,
  SliceReport,
  SliceScore,
  WordSliceReport,
} from './slices.js';
