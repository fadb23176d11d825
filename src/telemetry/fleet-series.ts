/**
 * Turns cumulative snapshots into the per-interval series the fleet view charts: final-latency
 * counts per bucket (the heatmap), rolling p50/p95 of first-partial and final latency, audio
 * seconds processed per second, errors per interval. Pure functions over MetricsSnapshot.
 */
import { estimateQuantile } from './histogram-quantile.js';
import type { CumulativeHistogram, MetricsSnapshot } from './metrics-snapshot.js';

export interface LatencyPercentiles {
  readonly p50Ms: number;
  readonly p95Ms: number;
}

export interface FleetPoint {
  /** End of the interval (clock ms). */
  readonly atMs: number;
  /** Finals sent in this interval, per latency bucket (`latencyBoundsS`, then +Inf). */
  readonly finalLatencyCounts: readonly number[];
  /** Over the rolling window ending at `atMs`; absent when nothing was observed in it. */
  readonly firstPartial?: LatencyPercentiles;
  readonly final?: LatencyPercentiles;
  /** Audio seconds per wall second in this interval, by kind (file, stream, tts). */
  readonly audioSecondsPerS: Readonly<Record<string, number>>;
  /** Errors returned in this interval, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Streams refused for capacity in this interval, by reason. */
  readonly refusals: Readonly<Record<string, number>>;
  readonly activeStreams: number;
}

export interface FleetSeries {
  /** Upper bounds of the latency buckets in seconds (a last +Inf bucket is implied). */
  readonly latencyBoundsS: readonly number[];
  readonly points: readonly FleetPoint[];
}

/** Derives one point per consecutive pair of snapshots (oldest first). */
export function deriveFleetSeries(
  snapshots: readonly MetricsSnapshot[],
  rollingWindowMs: number,
): FleetSeries {
  const newest = snapshots.at(-1);
  const bounds = newest?.finalLatency.upperBounds ?? [];
  const points: FleetPoint[] = [];
  let windowStart = 0;
  for (let i = 1; i < snapshots.length; i++) {
    const prev = snapshots[i - 1]!;
    const cur = snapshots[i]!;
    // The oldest snapshot still inside the rolling window ending at `cur`.
    while (windowStart < i - 1 && cur.atMs - snapshots[windowStart]!.atMs > rollingWindowMs)
      windowStart++;
    const from = snapshots[windowStart]!;
    const seconds = Math.max(1e-3, (cur.atMs - prev.atMs) / 1000);
    const firstPartial = percentilesBetween(from.firstPartial, cur.firstPartial);
    const final = percentilesBetween(from.finalLatency, cur.finalLatency);
    points.push({
      atMs: cur.atMs,
      finalLatencyCounts: bucketCounts(
        cumulativeOn(prev.finalLatency, bounds),
        cumulativeOn(cur.finalLatency, bounds),
      ),
      ...(firstPartial ? { firstPartial } : {}),
      ...(final ? { final } : {}),
      audioSecondsPerS: mapValues(difference(prev.audioSeconds, cur.audioSeconds), (v) =>
        round(v / seconds),
      ),
      errors: difference(prev.errors, cur.errors),
      refusals: difference(prev.refusals, cur.refusals),
      activeStreams: cur.activeStreams,
    });
  }
  return { latencyBoundsS: bounds, points };
}

/** Cumulative counts on `bounds` (+Inf last); a histogram with no observations yet is zeros. */
function cumulativeOn(h: CumulativeHistogram, bounds: readonly number[]): number[] {
  return [...bounds, Infinity].map((b) => {
    const i = b === Infinity ? h.cumulative.length - 1 : h.upperBounds.indexOf(b);
    return i >= 0 ? (h.cumulative[i] ?? 0) : 0;
  });
}

function bucketCounts(before: readonly number[], after: readonly number[]): number[] {
  const delta = after.map((v, i) => Math.max(0, v - (before[i] ?? 0)));
  // Cumulative to per-bucket.
  return delta.map((v, i) => Math.max(0, v - (i === 0 ? 0 : (delta[i - 1] ?? 0))));
}

function percentilesBetween(
  from: CumulativeHistogram,
  to: CumulativeHistogram,
): LatencyPercentiles | undefined {
  const bounds = to.upperBounds;
  const counts = bucketCounts(cumulativeOn(from, bounds), cumulativeOn(to, bounds));
  const p50 = estimateQuantile({ upperBounds: bounds, counts }, 0.5);
  const p95 = estimateQuantile({ upperBounds: bounds, counts }, 0.95);
  if (p50 === undefined || p95 === undefined) return undefined;
  return { p50Ms: Math.round(p50 * 1000), p95Ms: Math.round(p95 * 1000) };
}

function difference(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) out[key] = round(d);
  }
  return out;
}

function mapValues(
  record: Readonly<Record<string, number>>,
  fn: (v: number) => number,
): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
