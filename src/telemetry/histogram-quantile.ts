/**
 * Quantiles from Prometheus-style histogram buckets, the way `histogram_quantile` estimates
 * them: find the bucket holding the rank, then interpolate linearly inside it. The console's
 * p50/p95 come from here, computed over the difference of two snapshots of the same histogram.
 */

/** Non-cumulative counts per bucket; `upperBounds` has one fewer entry (the last is +Inf). */
export interface BucketCounts {
  readonly upperBounds: readonly number[];
  readonly counts: readonly number[];
}

/**
 * The q-quantile (0..1) in the buckets' unit, or undefined when there are no observations.
 * A rank in the +Inf bucket returns the highest finite bound (nothing better is known).
 */
export function estimateQuantile(buckets: BucketCounts, q: number): number | undefined {
  const total = buckets.counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < buckets.counts.length; i++) {
    const count = buckets.counts[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      const upper = buckets.upperBounds[i];
      if (upper === undefined) return buckets.upperBounds.at(-1);
      const lower = i === 0 ? 0 : (buckets.upperBounds[i - 1] ?? 0);
      return lower + (upper - lower) * ((rank - below) / count);
    }
    below += count;
  }
  return buckets.upperBounds.at(-1);
}
