/**
 * One reading of the metrics the console charts, taken from the same prom-client registry that
 * /metrics renders: no second bookkeeping. Values are cumulative (as Prometheus counters and
 * histograms are); the series in fleet-series.ts come from differences between readings.
 */
import type { Registry } from 'prom-client';
import type { Telemetry } from './metrics.js';

/** A histogram summed over its labels: cumulative counts per `le`, the last one +Inf. */
export interface CumulativeHistogram {
  readonly upperBounds: readonly number[];
  readonly cumulative: readonly number[];
}

export interface MetricsSnapshot {
  readonly atMs: number;
  readonly firstPartial: CumulativeHistogram;
  readonly finalLatency: CumulativeHistogram;
  /** Seconds of audio by kind (file, stream, tts). */
  readonly audioSeconds: Readonly<Record<string, number>>;
  /** Errors returned to clients, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** OVER_CAPACITY refusals, by reason. */
  readonly refusals: Readonly<Record<string, number>>;
  /** Finished requests by route (a WebSocket session counts once, when it ends). */
  readonly requests: Readonly<Record<string, number>>;
  readonly activeStreams: number;
}

/** The metric names as metrics.ts registers them (a unit test reads them from a real Telemetry). */
export const SNAPSHOT_METRICS = Object.freeze({
  firstPartial: 'voxfleet_stream_first_partial_seconds',
  finalLatency: 'voxfleet_stream_final_latency_seconds',
  audioSeconds: 'voxfleet_audio_seconds_total',
  errors: 'voxfleet_errors_total',
  refusals: 'voxfleet_stream_admission_refusals_total',
  requests: 'voxfleet_requests_total',
  activeStreams: 'voxfleet_active_streams',
});

interface MetricValue {
  readonly value: number;
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number | undefined>>;
}

export async function readMetricsSnapshot(
  telemetry: Telemetry,
  atMs: number,
): Promise<MetricsSnapshot> {
  const r = telemetry.registry;
  const m = SNAPSHOT_METRICS;
  const [firstPartial, finalLatency, audio, errors, refusals, requests, active] = await Promise.all(
    [
      valuesOf(r, m.firstPartial),
      valuesOf(r, m.finalLatency),
      valuesOf(r, m.audioSeconds),
      valuesOf(r, m.errors),
      valuesOf(r, m.refusals),
      valuesOf(r, m.requests),
      valuesOf(r, m.activeStreams),
    ],
  );
  return {
    atMs,
    firstPartial: sumHistogram(firstPartial),
    finalLatency: sumHistogram(finalLatency),
    audioSeconds: sumBy(audio, 'kind'),
    errors: sumBy(errors, 'code'),
    refusals: sumBy(refusals, 'reason'),
    requests: sumBy(requests, 'route'),
    activeStreams: active.reduce((a, v) => a + v.value, 0),
  };
}

async function valuesOf(registry: Registry, name: string): Promise<readonly MetricValue[]> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`metric ${name} is not registered`);
  return (await metric.get()).values;
}

function sumBy(values: readonly MetricValue[], label: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const key = String(v.labels[label] ?? '');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

/** Adds the per-label histograms bucket by bucket (they share one bucket layout). */
function sumHistogram(values: readonly MetricValue[]): CumulativeHistogram {
  const byBound = new Map<number, number>();
  for (const v of values) {
    if (!v.metricName?.endsWith('_bucket')) continue;
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    byBound.set(le, (byBound.get(le) ?? 0) + v.value);
  }
  const bounds = [...byBound.keys()].sort((a, b) => a - b);
  return {
    upperBounds: bounds.filter((b) => Number.isFinite(b)),
    cumulative: bounds.map((b) => byBound.get(b) ?? 0),
  };
}
