import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureResult } from '../testing/eval-fixtures.js';
import { formatEvalTable, formatPoints } from './format-table.js';
import { nearestRank, summarizePercentiles } from './percentiles.js';

const result = fixtureResult(
  [
    { id: 'a', ref: 'The press yard.', hyp: 'the press yard', tags: ['clean', 'read'] },
    {
      id: 'b',
      ref: 'ten of clubs',
      hyp: '10 of close',
      tags: ['noisy', 'read'],
      durationS: 4,
      latencyMs: 1000,
    },
    {
      id: 'c',
      ref: 'eight',
      hyp: '8 8 8',
      tags: ['digits', 'clean'],
      durationS: 1,
      latencyMs: 250,
    },
    {
      id: 'd',
      ref: 'not scored',
      hyp: '',
      tags: ['clean'],
      durationS: 3,
      error: { code: 'OVER_CAPACITY', message: 'busy' },
    },
  ],
  { wallMs: 1000 },
);

const slice = (mode: 'spell' | 'keep', name: string) =>
  result.scores[mode].find((s) => s.slice === name)!;

test('slices add up from totals, with S / I / D and reference words, in both modes', () => {
  assert.deepEqual(
    result.scores.spell.map((s) => s.slice),
    ['all', 'clean', 'digits', 'noisy', 'read'],
  );
  // spelled: a 0 errors / 3; b "ten of close" 1 S / 3; c "eight eight eight" 2 I / 1
  assert.deepEqual(slice('spell', 'all'), {
    slice: 'all',
    utterances: 3,
    refWords: 7,
    substitutions: 1,
    insertions: 2,
    deletions: 0,
    errors: 3,
    wer: 3 / 7,
    refChars: 27,
    charErrors: 13,
    cer: 13 / 27,
  });
  // digits kept: b "10 of close" 2 S; c "8 8 8" 1 S + 2 I
  const keepAll = slice('keep', 'all');
  assert.equal(keepAll.errors, 5);
  assert.equal(keepAll.substitutions, 3);
  assert.equal(keepAll.wer, 5 / 7);
  // The failed utterance 'd' is in no slice.
  assert.equal(slice('spell', 'clean').utterances, 2);
  assert.equal(slice('spell', 'clean').refWords, 4);
  assert.equal(slice('spell', 'clean').wer, 0.5);
  assert.equal(slice('spell', 'read').wer, 1 / 6);
});

test('every utterance is kept, the failed one with its error and no scores', () => {
  assert.equal(result.utterances.length, 4);
  const b = result.utterances[1]!;
  assert.equal(b.hyp, '10 of close');
  assert.equal(b.scores!.spell.substitutions, 1);
  assert.equal(b.scores!.keep.substitutions, 2);
  assert.equal(b.rtf, 0.25);
  const d = result.utterances[3]!;
  assert.equal(d.scores, undefined);
  assert.deepEqual(d.error, { code: 'OVER_CAPACITY', message: 'busy' });
});

test('summary: audio of scored utterances, RTF, throughput, nearest-rank latency', () => {
  const s = result.summary;
  assert.equal(s.utterances, 4);
  assert.equal(s.failed, 1);
  assert.equal(s.audioS, 7);
  assert.equal(s.wallS, 1);
  assert.equal(s.throughputX, 7);
  assert.equal(s.rtf!.total, 0.25);
  assert.equal(s.rtf!.p50, 0.25);
  assert.deepEqual(
    [s.latencyMs!.n, s.latencyMs!.p50, s.latencyMs!.p95, s.latencyMs!.p99],
    [3, 500, 1000, 1000],
  );
  assert.equal(s.firstPartialMs, null);
  assert.deepEqual(result.served.versions, { 'whisper-tiny.en@1.0.0': 3 });
  assert.equal(result.served.model, 'whisper-tiny.en');
});

test('nearest-rank percentiles are measured values', () => {
  assert.equal(nearestRank([1, 2, 3, 4], 0.5), 2);
  assert.equal(nearestRank([1, 2, 3, 4], 0.99), 4);
  const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
  assert.equal(nearestRank(twenty, 0.95), 19);
  assert.ok(Number.isNaN(nearestRank([], 0.5)));
  assert.equal(summarizePercentiles([]), null);
  assert.deepEqual(summarizePercentiles([3, 1, 2, NaN]), {
    n: 3,
    p50: 2,
    p95: 3,
    p99: 3,
    max: 3,
    mean: 2,
  });
});

test('the terminal table shows both modes, the failures and signed points', () => {
  const table = formatEvalTable(result);
  assert.match(table, /^all\s+3\s+7\s+42\.9\s+1\s+2\s+0\s+48\.1\s+71\.4$/m);
  assert.match(table, /FAILED: 1 utterance\(s\), not scored \(OVER_CAPACITY x1\)/);
  assert.match(table, /real-time factor\s+p50 0\.250/);
  assert.equal(formatPoints(0.0042), '+0.4');
  assert.equal(formatPoints(-0.013), '-1.3');
  assert.equal(formatPoints(0), '±0.0');
});
