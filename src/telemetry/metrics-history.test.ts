import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { deriveFleetSeries } from './fleet-series.js';
import { MetricsHistory } from './metrics-history.js';
import { Telemetry } from './metrics.js';

/** Lets the snapshot reads (promises) started by a timer settle. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('snapshots read the registry /metrics renders; the ring keeps only the window', async () => {
  const telemetry = new Telemetry({ defaultMetrics: false });
  const clock = new ManualClock(0);
  const history = new MetricsHistory(telemetry, clock, { intervalMs: 1000, windowMs: 3000 });
  await history.start();
  telemetry.streamOpened('m');
  telemetry.streamFinalSent('m', 400, 2, 100);
  telemetry.streamFirstPartialSent('m', 250);
  telemetry.errorReturned('OVER_CAPACITY');
  clock.advance(1000);
  await settle();
  const snaps = history.snapshots();
  assert.equal(snaps.length, 2);
  const last = snaps.at(-1)!;
  assert.equal(last.activeStreams, 1);
  assert.equal(last.errors.OVER_CAPACITY, 1);
  assert.equal(last.finalLatency.cumulative.at(-1), 1);
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await settle();
  }
  assert.equal(history.snapshots().length, 4, 'window / interval + 1 snapshots');
  history.stop();
});

test('series: per-interval heatmap counts, rolling percentiles, audio seconds per second', async () => {
  const telemetry = new Telemetry({ defaultMetrics: false });
  const clock = new ManualClock(0);
  const history = new MetricsHistory(telemetry, clock, { intervalMs: 2000, windowMs: 60_000 });
  await history.start();
  // Interval 1: two finals at 400 ms (bucket 0.3-0.5 s), 10 s of stream audio.
  telemetry.streamFinalSent('m', 400, 2, 100);
  telemetry.streamFinalSent('m', 400, 2, 100);
  telemetry.streamOpened('m');
  telemetry.streamClosed('m', 10);
  clock.advance(2000);
  await settle();
  // Interval 2: nothing new.
  clock.advance(2000);
  await settle();
  history.stop();
  const series = deriveFleetSeries(history.snapshots(), 60_000);
  assert.equal(series.points.length, 2);
  const [first, second] = series.points;
  const bucket = series.latencyBoundsS.indexOf(0.5);
  assert.equal(first!.finalLatencyCounts[bucket], 2);
  assert.equal(
    first!.finalLatencyCounts.reduce((a, b) => a + b, 0),
    2,
    'counts are per bucket, not cumulative',
  );
  assert.equal(first!.audioSecondsPerS.stream, 5);
  assert.ok(first!.final !== undefined && first!.final.p50Ms > 300 && first!.final.p50Ms <= 500);
  assert.equal(first!.firstPartial, undefined, 'no first partial observed');
  // The rolling window still holds the two finals; the interval itself holds none.
  assert.equal(
    second!.finalLatencyCounts.reduce((a, b) => a + b, 0),
    0,
  );
  assert.deepEqual(second!.final, first!.final);
});
