/**
 * Text normalisation for scoring. The same function must run on the reference and on the
 * hypothesis; WER is only comparable between runs that used the same options.
 *
 * English, `normalizeText(text, { numbers })`, steps in order:
 *  1. Unicode NFKC (full-width forms, ligatures and compatibility digits fold to plain ones).
 *  2. Non-speech tags removed (`[BLANK_AUDIO]`, `( music )`, ...; rules in non-speech-tags.ts).
 *  3. Lower-case (locale-independent).
 *  4. Typographic apostrophes (’ ‘ ʼ ′ `) become "'"; every dash (hyphen, en/em dash, minus)
 *     becomes a space: "twenty-nine" → "twenty nine", "court-yard" → "court yard".
 *  5. Numbers:
 *     - `'keep'`: digits stay digits. Thousands separators are dropped ("1,312" → "1312") and a
 *       decimal point between digits is kept ("3.5"); "%", "$" and friends go with punctuation.
 *     - `'spell'`: numbers become words the way LJSpeech/LibriSpeech references write them:
 *       "15th" → "fifteenth", "1811" → "eighteen eleven", "629" → "six hundred twenty nine",
 *       "$5" → "five dollars", "3.5" → "three point five", "50%" → "fifty percent"; full list
 *       in spell-numbers.ts. Years 1100-1999 and 2010-2099 are read in pairs; 2000-2009 are
 *       "two thousand [n]" without "and".
 *  6. Dotted initialisms lose their dots ("e.g." → "eg", "u.s.a." → "usa").
 *  7. Punctuation and symbols become spaces. An apostrophe survives only between two letters
 *     or digits ("don't", "bradshaw's"); "debtors'" → "debtors", "'tis" → "tis".
 *  8. Whitespace collapsed to single spaces, trimmed.
 *
 * Other languages, `normalizeMultilingual(text)`: steps 1-4, then every character that is not a
 * letter, combining mark or digit becomes a space (so letters with diacritics, kana and hanzi
 * survive), apostrophes inside words are kept ("l'accident", "all'anno"), separators between
 * digits are dropped ("1.000" = "1,000" = "1000"; numbers are not spelled in other languages),
 * whitespace collapsed. For languages written without spaces (ja, zh) score with CER, which
 * also drops the spaces (error-rate.ts).
 */

import { stripNonSpeechTags } from '../core/index.js';
import { joinDigitGroups, spellNumbers } from './spell-numbers.js';

/** How digits are treated: kept as written, or spelled out as words. */
export type NumberMode = 'keep' | 'spell';

export interface NormalizeOptions {
  /** Default 'keep' (the "plain" WER of MODELS.md); 'spell' gives the "num" WER. */
  readonly numbers?: NumberMode;
}

const APOSTROPHES = /[’‘ʼ′`]/gu;
const DASHES = /[\p{Pd}−]/gu;
const DOTTED_INITIALISM = /(?<![\p{L}\p{N}])(?:\p{L}\.){2,}/gu;
/** Punctuation and symbols, except "'" (handled next) and "." between two digits. */
const PUNCTUATION_KEEPING_DECIMALS = /(?<!\d)\.|\.(?!\d)|[^\p{L}\p{M}\p{N}'.\s]/gu;
const PUNCTUATION = /[^\p{L}\p{M}\p{N}'\s]/gu;
const LOOSE_APOSTROPHE = /(?<![\p{L}\p{M}\p{N}])'|'(?![\p{L}\p{N}])/gu;
const SEPARATOR_BETWEEN_DIGITS = /(?<=\d)[.,\u00a0\u202f'](?=\d)/gu;

function prepare(text: string): string {
  return stripNonSpeechTags(text.normalize('NFKC'))
    .toLowerCase()
    .replace(APOSTROPHES, "'")
    .replace(DASHES, ' ');
}

function collapseWhitespace(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/** English normalisation for WER; see the header for every step. */
export function normalizeText(text: string, options: NormalizeOptions = {}): string {
  const numbers = options.numbers ?? 'keep';
  let out = prepare(text);
  out = numbers === 'spell' ? spellNumbers(out) : joinDigitGroups(out);
  out = out.replace(DOTTED_INITIALISM, (initials) => initials.replaceAll('.', ''));
  out = out
    .replace(numbers === 'keep' ? PUNCTUATION_KEEPING_DECIMALS : PUNCTUATION, ' ')
    .replace(LOOSE_APOSTROPHE, ' ');
  return collapseWhitespace(out);
}

/** Normalisation for languages other than English; see the header. */
export function normalizeMultilingual(text: string): string {
  const out = prepare(text)
    .replace(SEPARATOR_BETWEEN_DIGITS, '')
    .replace(PUNCTUATION, ' ')
    .replace(LOOSE_APOSTROPHE, ' ');
  return collapseWhitespace(out);
}

/** Languages written without spaces between words: score them with CER, not WER. */
const CHARACTER_SCORED_LANGUAGES: ReadonlySet<string> = new Set([
  'ja',
  'zh',
  'yue',
  'th',
  'lo',
  'km',
  'my',
]);

/** True for ISO 639-1 codes (or tags like "zh-CN") of languages scored by characters. */
export function isCharacterScoredLanguage(language: string): boolean {
  const primary = language.toLowerCase().split(/[-_]/)[0] ?? '';
  return CHARACTER_SCORED_LANGUAGES.has(primary);
}
