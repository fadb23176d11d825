/**
 * Rewrites numbers written with digits as English words, the way the LJSpeech / LibriSpeech
 * references spell them, so that "15th" in a hypothesis meets "fifteenth" in a reference.
 * Expects lower-case text in which dashes are already spaces (see normalize-text.ts).
 *
 * Passes, in order (each spelled group is padded with spaces, so "mp3" → "mp three"):
 *  1. currency   "$5" → "five dollars", "$5.50" → "five dollars fifty cents", "£30" → "thirty
 *                pounds", "$1" → "one dollar", "$0.50" → "fifty cents", "$2.5 million" →
 *                "two point five million dollars" ($ dollars/cents, £ pounds/pence, € euros/cents)
 *  2. percent    "50%" → "fifty percent", "3.5 %" → "three point five percent"
 *  3. ordinals   "15th" → "fifteenth", "21st" → "twenty first", "1,000th" → "one thousandth"
 *  4. plurals    "1990s" → "nineteen nineties", "80s" / "80's" → "eighties"
 *  5. times      "10:30" → "ten thirty", "9:05" → "nine oh five", "10:00" → "ten"
 *  6. decimals   "3.5" → "three point five" (fraction digit by digit: "0.25" → "zero point two
 *                five"); thousands separators make a cardinal: "1,312" → "one thousand three
 *                hundred twelve"
 *  7. integers   `spellInteger`: "10" → "ten", "629" → "six hundred twenty nine", "1811" →
 *                "eighteen eleven", "2005" → "two thousand five", "007" → "zero zero seven".
 *                Single digits stay single words, so a digit string "8 3 9" → "eight three nine".
 */

import {
  spellCardinal,
  spellDigits,
  spellInteger,
  toOrdinalWords,
  toPluralWords,
} from './number-words.js';

/** An integer with thousands separators ("1,312") or plain digits. */
const INT = String.raw`\d{1,3}(?:,\d{3})+(?!\d)|\d+`;

const CURRENCY = new RegExp(
  String.raw`([$£€])\s?(${INT})(?:\.(\d+))?(?:\s?(thousand|million|billion|trillion)\b)?`,
  'g',
);
const PERCENT = new RegExp(String.raw`(${INT})(?:\.(\d+))?\s?%`, 'g');
const ORDINAL = new RegExp(String.raw`(${INT})(st|nd|rd|th)(?![\p{L}\p{N}])`, 'gu');
const PLURAL = /(\d+)'?s(?![\p{L}\p{N}])/gu;
const TIME = /(?<!\d)(\d{1,2}):(\d{2})(?!\d)/g;
const DECIMAL_OR_GROUPED = new RegExp(
  String.raw`(\d{1,3}(?:,\d{3})+(?!\d)|\d+)\.(\d+)|(\d{1,3}(?:,\d{3})+)(?!\d)`,
  'g',
);
const INTEGER = /\d+/g;

interface CurrencyUnit {
  readonly one: string;
  readonly many: string;
  readonly subOne: string;
  readonly subMany: string;
}

const CURRENCIES: Readonly<Record<string, CurrencyUnit>> = {
  $: { one: 'dollar', many: 'dollars', subOne: 'cent', subMany: 'cents' },
  '£': { one: 'pound', many: 'pounds', subOne: 'penny', subMany: 'pence' },
  '€': { one: 'euro', many: 'euros', subOne: 'cent', subMany: 'cents' },
};

const pad = (words: string): string => ` ${words} `;

/** An integer as written: grouped ("1,312") → cardinal; plain digits → `spellInteger`. */
function spellWrittenInteger(written: string): string {
  return written.includes(',')
    ? spellCardinal(Number(written.replaceAll(',', '')))
    : spellInteger(written);
}

/** The whole part of a decimal is a quantity, never a year: "1999.5" → "one thousand ...". */
function spellDecimal(whole: string, fraction: string | undefined): string {
  const digits = whole.replaceAll(',', '');
  const head =
    digits.length > 1 && digits.startsWith('0')
      ? spellDigits(digits)
      : spellCardinal(Number(digits));
  return fraction === undefined ? head : `${head} point ${spellDigits(fraction)}`;
}

function spellCurrency(
  symbol: string,
  whole: string,
  fraction: string | undefined,
  scale: string | undefined,
): string {
  const unit = CURRENCIES[symbol]!;
  if (scale !== undefined) return `${spellDecimal(whole, fraction)} ${scale} ${unit.many}`;
  const main = Number(whole.replaceAll(',', ''));
  const cents = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 100);
  const parts: string[] = [];
  if (main > 0 || cents === 0)
    parts.push(`${spellCardinal(main)} ${main === 1 ? unit.one : unit.many}`);
  if (cents > 0) parts.push(`${spellCardinal(cents)} ${cents === 1 ? unit.subOne : unit.subMany}`);
  return parts.join(' ');
}

function spellTime(hours: string, minutes: string): string {
  const h = spellCardinal(Number(hours));
  const m = Number(minutes);
  if (m === 0) return h;
  if (m < 10) return `${h} oh ${spellCardinal(m)}`;
  return `${h} ${spellCardinal(m)}`;
}

/** Spells every number written with ASCII digits; see the header for the passes. */
export function spellNumbers(text: string): string {
  return text
    .replace(CURRENCY, (_a, symbol: string, whole: string, fraction?: string, scale?: string) =>
      pad(spellCurrency(symbol, whole, fraction, scale)),
    )
    .replace(PERCENT, (_a, whole: string, fraction?: string) =>
      pad(`${spellDecimal(whole, fraction)} percent`),
    )
    .replace(ORDINAL, (_a, whole: string) =>
      pad(toOrdinalWords(spellCardinal(Number(whole.replaceAll(',', ''))))),
    )
    .replace(PLURAL, (_a, digits: string) => pad(toPluralWords(spellInteger(digits))))
    .replace(TIME, (_a, hours: string, minutes: string) => pad(spellTime(hours, minutes)))
    .replace(DECIMAL_OR_GROUPED, (_a, whole?: string, fraction?: string, grouped?: string) =>
      pad(grouped !== undefined ? spellWrittenInteger(grouped) : spellDecimal(whole!, fraction)),
    )
    .replace(INTEGER, (digits) => pad(spellInteger(digits)));
}

/** For `numbers: 'keep'`: drops thousands separators ("1,312" → "1312"), touches nothing else. */
export function joinDigitGroups(text: string): string {
  return text.replace(/\d{1,3}(?:,\d{3})+(?!\d)/g, (grouped) => grouped.replaceAll(',', ''));
}
