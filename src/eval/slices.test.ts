import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import { normalizeText } from './normalize-text.js';
import { scoreBySlice, scoreCharsBySlice } from './slices.js';

const items = [
  { id: 'a', tags: ['clean', 'read'], ref: 'The press yard.', hyp: 'the press yard' },
  { id: 'b', tags: ['noisy', 'read'], ref: 'ten of clubs', hyp: '10 of close' },
  { id: 'c', tags: ['digits', 'clean'], ref: 'eight', hyp: '8 8 8' },
];

test("scoreBySlice gives 'all' first, then every tag in order, each from totals", () => {
  const report = scoreBySlice(items);
  assert.deepEqual(
    report.slices.map((s) => s.slice),
    ['all', 'clean', 'digits', 'noisy', 'read'],
  );
  const all = report.slices[0]!;
  assert.equal(all.utterances, 3);
  assert.equal(all.refWords, 7);
  assert.equal(all.errors, 5); // b: 2 substitutions; c: 1 substitution + 2 insertions
  assert.equal(all.wer, 5 / 7);
  const clean = report.slices.find((s) => s.slice === 'clean')!;
  assert.equal(clean.utterances, 2);
  assert.equal(clean.refWords, 4);
  assert.equal(clean.errors, 3);
  const read = report.slices.find((s) => s.slice === 'read')!;
  assert.equal(read.wer, 2 / 6);
});

test('scoreBySlice normalises both sides, by default keeping digits', () => {
  const report = scoreBySlice(items);
  assert.equal(report.items[0]!.ref, 'the press yard');
  assert.equal(report.items[0]!.result.errors, 0);
  assert.equal(report.items[1]!.hyp, '10 of close');
});

test('scoreBySlice takes the normaliser to use', () => {
  const report = scoreBySlice(items, { normalize: (t) => normalizeText(t, { numbers: 'spell' }) });
  assert.deepEqual(
    report.items.map((i) => i.result.errors),
    [0, 1, 2],
  );
  assert.equal(report.slices[0]!.wer, 3 / 7);
  assert.equal(report.slices.find((s) => s.slice === 'digits')!.wer, 2);
});

test('an item tagged twice with the same tag counts once in that slice', () => {
  const report = scoreBySlice([{ id: 'x', tags: ['read', 'read'], ref: 'a b', hyp: 'a' }]);
  assert.equal(report.slices.find((s) => s.slice === 'read')!.refWords, 2);
});

test("the slice name 'all' is reserved", () => {
  assert.throws(
    () => scoreBySlice([{ id: 'x', tags: ['all'], ref: 'a', hyp: 'a' }]),
    (err: unknown) =>
      err instanceof VoxfleetError &&
      err.code === 'INVALID_ARGUMENT' &&
      /items\[0\]\.tags/.test(err.message),
  );
});

test('scoreCharsBySlice scores characters with the multilingual normaliser', () => {
  const report = scoreCharsBySlice([
    {
      id: 'zh1',
      tags: ['lang:zh'],
      ref: '广州市房地产中介协会分析',
      hyp: '广州市房地产中介协会分析。',
    },
    { id: 'ja1', tags: ['lang:ja'], ref: 'これはテスト文です', hyp: 'これは テスト分です' },
  ]);
  assert.deepEqual(
    report.slices.map((s) => [s.slice, s.refChars, s.errors]),
    [
      ['all', 21, 1],
      ['lang:ja', 9, 1],
      ['lang:zh', 12, 0],
    ],
  );
  assert.equal(report.slices[0]!.cer, 1 / 21);
});

test('no items: one empty slice', () => {
  const report = scoreBySlice([]);
  assert.deepEqual(
    report.slices.map((s) => [s.slice, s.utterances, s.wer]),
    [['all', 0, 0]],
  );
});
