/**
 * English number words in the style of the LJSpeech / LibriSpeech references (the Tacotron
 * `normalize_numbers` convention): no "and" inside numbers, tens and units as two words.
 *
 *   629   → "six hundred twenty nine"      (LJ002-0014 writes "six hundred twenty-nine";
 *                                           hyphens become spaces in normalisation anyway)
 *   1811  → "eighteen eleven"              (year style, see `spellInteger`)
 *   1808  → "eighteen oh eight"            (LJ002-0147: "eighteen oh eight")
 *   1200  → "twelve hundred"               (ljlong_05: "twelve hundred prisoners")
 *   2005  → "two thousand five"            (no "and": the references never write one there)
 *   15th  → "fifteenth"
 *
 * Pure functions of their input; BigInt-free, exact for integers below 10^15.
 */

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
] as const;

const TENS = [
  '',
  '',
  'twenty',
  'thirty',
  'forty',
  'fifty',
  'sixty',
  'seventy',
  'eighty',
  'ninety',
] as const;

/** Scale words, each 1000 times the previous one. */
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'] as const;

/** Integers at or above this are read digit by digit (beyond the scale table). */
const MAX_CARDINAL = 1e15;

/** Digits as words, one word per digit: "0911" → "zero nine one one". */
export function spellDigits(digits: string): string {
  const words: string[] = [];
  for (const ch of digits) {
    const d = ch.charCodeAt(0) - 48;
    if (d >= 0 && d <= 9) words.push(ONES[d]!);
  }
  return words.join(' ');
}

function spellBelowHundred(n: number): string {
  if (n < 20) return ONES[n]!;
  const tens = TENS[Math.floor(n / 10)]!;
  return n % 10 === 0 ? tens : `${tens} ${ONES[n % 10]!}`;
}

function spellBelowThousand(n: number): string {
  if (n < 100) return spellBelowHundred(n);
  const head = `${ONES[Math.floor(n / 100)]!} hundred`;
  return n % 100 === 0 ? head : `${head} ${spellBelowHundred(n % 100)}`;
}

/**
 * A cardinal number without "and": 629 → "six hundred twenty nine", 1000000 → "one million".
 * Non-integers, negatives and values >= 10^15 are read digit by digit.
 */
export function spellCardinal(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n >= MAX_CARDINAL) {
    return spellDigits(String(n));
  }
  if (n === 0) return 'zero';
  const groups: string[] = [];
  let rest = n;
  for (let scale = 0; rest > 0; scale++) {
    const group = rest % 1000;
    rest = Math.floor(rest / 1000);
    if (group === 0) continue;
    const words = spellBelowThousand(group);
    groups.unshift(scale === 0 ? words : `${words} ${SCALES[scale]!}`);
  }
  return groups.join(' ');
}

/**
 * A four-digit number read as a year, in two-digit pairs: 1811 → "eighteen eleven",
 * 1808 → "eighteen oh eight", 1900 → "nineteen hundred", 2024 → "twenty twenty four".
 */
export function spellYear(n: number): string {
  const high = Math.floor(n / 100);
  const low = n % 100;
  const head = spellBelowHundred(high);
  if (low === 0) return `${head} hundred`;
  if (low < 10) return `${head} oh ${ONES[low]!}`;
  return `${head} ${spellBelowHundred(low)}`;
}

/**
 * How a bare integer written with digits (no thousands separators) is read:
 * - a leading zero ("007", "0911312"): digit by digit;
 * - 1100-1999 and 2010-2099: year style, in pairs ("eighteen eleven"); round hundreds
 *   1100-1900 give "eleven hundred" ... "nineteen hundred";
 * - 2000-2009: "two thousand", "two thousand five" (no "and");
 * - anything else: cardinal ("six hundred twenty nine", "one thousand fifty").
 * `spellInteger` is for digit strings as they appear in text; counts written with separators
 * ("1,312") should go to `spellCardinal` instead.
 */
export function spellInteger(digits: string): string {
  if (digits.length > 1 && digits.startsWith('0')) return spellDigits(digits);
  if (digits.length > 15) return spellDigits(digits);
  const n = Number(digits);
  if ((n >= 1100 && n <= 1999) || (n >= 2010 && n <= 2099)) return spellYear(n);
  return spellCardinal(n);
}

const IRREGULAR_ORDINALS: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

/** The ordinal of a spelled number: changes its last word ("twenty one" → "twenty first"). */
export function toOrdinalWords(cardinalWords: string): string {
  return replaceLastWord(cardinalWords, (last) => {
    const irregular = IRREGULAR_ORDINALS[last];
    if (irregular !== undefined) return irregular;
    if (last.endsWith('y')) return `${last.slice(0, -1)}ieth`;
    return `${last}th`;
  });
}

/** The plural of a spelled number ("1990s" → "nineteen nineties", "sixes"). */
export function toPluralWords(cardinalWords: string): string {
  return replaceLastWord(cardinalWords, (last) => {
    if (last.endsWith('y')) return `${last.slice(0, -1)}ies`;
    if (last.endsWith('x')) return `${last}es`;
    return `${last}s`;
  });
}

function replaceLastWord(words: string, change: (last: string) => string): string {
  const cut = words.lastIndexOf(' ');
  return cut < 0 ? change(words) : `${words.slice(0, cut + 1)}${change(words.slice(cut + 1))}`;
}
