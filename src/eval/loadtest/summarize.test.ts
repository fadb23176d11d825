import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TurnRecord } from './loadtest-types.js';
import { summarizeTurns, throughputPerSecond } from './summarize.js';

const turn = (over: Partial<TurnRecord>): TurnRecord => ({
  slot: 0,
  itemId: 'a',
  startMs: 0,
  endMs: 1000,
  audioS: 2,
  totalMs: 1000,
  ...over,
});

test('throughput buckets completions by the whole second they ended in', () => {
  assert.deepEqual(throughputPerSecond([0, 999, 1000, 2500, 2999], 3000), [2, 1, 2]);
  assert.deepEqual(throughputPerSecond([3000], 2500), [0, 0, 1]);
  assert.deepEqual(throughputPerSecond([], 0), [0]);
});

test('stream summary: nearest-rank percentiles, churn, corpus WER, refusals and errors', () => {
  const turns: TurnRecord[] = [];
  for (let i = 1; i <= 20; i++)
    turns.push(
      turn({
        itemId: `u${i}`,
        endMs: i * 500,
        firstPartialMs: i * 10,
        finalMs: i * 100,
        rewrittenWords: 1,
        shownWords: 4,
        ref: 'seven of clubs',
        hyp: i === 1 ? '7 of cubs' : '7 of clubs',
        language: 'en',
      }),
    );
  turns.push(turn({ error: { code: 'OVER_CAPACITY', atOpen: true } }));
  turns.push(turn({ error: { code: 'OVER_CAPACITY', atOpen: true } }));
  turns.push(turn({ error: { code: 'INTERNAL', atOpen: false } }));
  const s = summarizeTurns('stream', turns, 10_000);
  assert.equal(s.turns, 23);
  assert.equal(s.completed, 20);
  assert.equal(s.failed, 3);
  assert.equal(s.refused, 2);
  assert.deepEqual(s.refusedByCode, { OVER_CAPACITY: 2 });
  assert.deepEqual(s.errorsByCode, { INTERNAL: 1 });
  // p50 of 20 values is the 10th, p95 the 19th, p99 the 20th.
  assert.deepEqual(
    [s.firstPartialMs?.p50, s.firstPartialMs?.p95, s.firstPartialMs?.p99],
    [100, 190, 200],
  );
  assert.equal(s.finalMs?.n, 20);
  assert.equal(s.churn, 0.25);
  // 1 error in 60 reference words; "7" is spelled out before scoring.
  assert.equal(s.refWords, 60);
  assert.equal(s.wer, 1 / 60);
  assert.equal(s.meanThroughputPerS, 2);
  assert.equal(s.audioSPerS, 4);
  assert.equal(
    s.throughputPerS.reduce((a, b) => a + b, 0),
    20,
  );
  assert.equal(s.totalMs?.n, 20, 'failed turns have no latency');
});

test('tts summary: no WER, no churn; empty runs give nulls, not NaN', () => {
  const s = summarizeTurns('tts', [turn({ firstByteMs: 50, totalMs: 200 })], 1000);
  assert.equal(s.wer, null);
  assert.equal(s.churn, null);
  assert.equal(s.firstByteMs?.p50, 50);
  const empty = summarizeTurns('rest', [], 0);
  assert.equal(empty.totalMs, null);
  assert.equal(empty.wer, null);
  assert.equal(empty.meanThroughputPerS, 0);
});
