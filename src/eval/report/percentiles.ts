/**
 * Nearest-rank percentiles: the q-th percentile of n sorted values is the value at rank
 * ceil(q * n) (1-based), so it is always one of the measured values: p50 of [1, 2, 3, 4] is 2,
 * p95 of 20 values is the 19th, p99 of fewer than 100 values is the largest.
 */
import type { Percentiles } from './result-types.js';

/** The value at nearest rank ceil(q * n) of an ascending array; NaN when it is empty. */
export function nearestRank(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  // The epsilon keeps float noise ((1 - 0.95) / 2 * 1000 = 25.00000000000002) off the next rank.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length - 1e-9)));
  return sorted[rank - 1]!;
}

/** p50 / p95 / p99 / max / mean of the finite values; null when there are none. */
export function summarizePercentiles(values: readonly number[]): Percentiles | null {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return {
    n: sorted.length,
    p50: nearestRank(sorted, 0.5),
    p95: nearestRank(sorted, 0.95),
    p99: nearestRank(sorted, 0.99),
    max: sorted.at(-1)!,
    mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
  };
}
