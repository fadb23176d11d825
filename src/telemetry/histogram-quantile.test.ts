import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateQuantile } from './histogram-quantile.js';

const bounds = [0.1, 0.5, 1];

test('no observations: no quantile', () => {
  assert.equal(estimateQuantile({ upperBounds: bounds, counts: [0, 0, 0, 0] }, 0.5), undefined);
});

test('interpolates linearly inside the bucket that holds the rank', () => {
  // 10 observations, all in (0.1, 0.5]: the median sits half way through that bucket.
  const median = estimateQuantile({ upperBounds: bounds, counts: [0, 10, 0, 0] }, 0.5);
  assert.ok(median !== undefined && Math.abs(median - 0.3) < 1e-9, String(median));
  // 4 in the first bucket, 4 in the second: p50 is the first bucket's upper bound.
  assert.equal(estimateQuantile({ upperBounds: bounds, counts: [4, 4, 0, 0] }, 0.5), 0.1);
});

test('a rank in the +Inf bucket gives the highest finite bound', () => {
  assert.equal(estimateQuantile({ upperBounds: bounds, counts: [1, 0, 0, 9] }, 0.95), 1);
});
