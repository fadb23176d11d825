import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  spellCardinal,
  spellDigits,
  spellInteger,
  spellYear,
  toOrdinalWords,
  toPluralWords,
} from './number-words.js';

test('spellCardinal writes numbers without "and", tens and units as two words', () => {
  assert.equal(spellCardinal(0), 'zero');
  assert.equal(spellCardinal(10), 'ten');
  assert.equal(spellCardinal(19), 'nineteen');
  assert.equal(spellCardinal(40), 'forty');
  assert.equal(spellCardinal(43), 'forty three');
  assert.equal(spellCardinal(100), 'one hundred');
  assert.equal(spellCardinal(629), 'six hundred twenty nine');
  assert.equal(spellCardinal(1000), 'one thousand');
  assert.equal(spellCardinal(1312), 'one thousand three hundred twelve');
  assert.equal(spellCardinal(2_000_005), 'two million five');
  assert.equal(spellCardinal(1_000_000_000), 'one billion');
  assert.equal(
    spellCardinal(999_999_999_999_999),
    [
      'nine hundred ninety nine trillion',
      'nine hundred ninety nine billion',
      'nine hundred ninety nine million',
      'nine hundred ninety nine thousand',
      'nine hundred ninety nine',
    ].join(' '),
  );
});

test('spellCardinal falls back to digits outside the integer range it covers', () => {
  assert.equal(
    spellCardinal(1e15),
    'one zero zero zero zero zero zero zero zero zero zero zero zero zero zero zero',
  );
  assert.equal(spellCardinal(-5), 'five');
});

test('spellYear reads pairs, "oh" for a zero ten, "hundred" for round centuries', () => {
  assert.equal(spellYear(1811), 'eighteen eleven');
  assert.equal(spellYear(1797), 'seventeen ninety seven');
  assert.equal(spellYear(1808), 'eighteen oh eight');
  assert.equal(spellYear(1469), 'fourteen sixty nine');
  assert.equal(spellYear(1900), 'nineteen hundred');
  assert.equal(spellYear(2024), 'twenty twenty four');
});

test('spellInteger picks year style for 1100-1999 and 2010-2099 only', () => {
  assert.equal(spellInteger('1811'), 'eighteen eleven');
  assert.equal(spellInteger('1200'), 'twelve hundred');
  assert.equal(spellInteger('1100'), 'eleven hundred');
  assert.equal(spellInteger('1099'), 'one thousand ninety nine');
  assert.equal(spellInteger('1000'), 'one thousand');
  assert.equal(spellInteger('2000'), 'two thousand');
  assert.equal(spellInteger('2005'), 'two thousand five');
  assert.equal(spellInteger('2010'), 'twenty ten');
  assert.equal(spellInteger('2099'), 'twenty ninety nine');
  assert.equal(spellInteger('2100'), 'two thousand one hundred');
  assert.equal(spellInteger('3000'), 'three thousand');
  assert.equal(spellInteger('629'), 'six hundred twenty nine');
  assert.equal(spellInteger('10'), 'ten');
});

test('spellInteger reads a leading zero or an over-long string digit by digit', () => {
  assert.equal(spellInteger('007'), 'zero zero seven');
  assert.equal(spellInteger('0'), 'zero');
  assert.equal(spellInteger('1234567890123456'), spellDigits('1234567890123456'));
});

test('spellDigits names each digit', () => {
  assert.equal(spellDigits('0911312'), 'zero nine one one three one two');
  assert.equal(spellDigits(''), '');
});

test('toOrdinalWords changes only the last word', () => {
  assert.equal(toOrdinalWords('fifteen'), 'fifteenth');
  assert.equal(toOrdinalWords('twenty one'), 'twenty first');
  assert.equal(toOrdinalWords('two'), 'second');
  assert.equal(toOrdinalWords('three'), 'third');
  assert.equal(toOrdinalWords('five'), 'fifth');
  assert.equal(toOrdinalWords('eight'), 'eighth');
  assert.equal(toOrdinalWords('nine'), 'ninth');
  assert.equal(toOrdinalWords('twelve'), 'twelfth');
  assert.equal(toOrdinalWords('twenty'), 'twentieth');
  assert.equal(toOrdinalWords('one hundred'), 'one hundredth');
});

test('toPluralWords pluralises the last word', () => {
  assert.equal(toPluralWords('nineteen ninety'), 'nineteen nineties');
  assert.equal(toPluralWords('six'), 'sixes');
  assert.equal(toPluralWords('twelve hundred'), 'twelve hundreds');
});
