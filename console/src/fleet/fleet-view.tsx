/**
 * The fleet at a glance, from GET /v1/fleet/events: workers, latency over the last minutes,
 * refusals and errors by code, audio processed per second. Every number is read from the same
 * metrics /metrics exports (docs/console.md).
 */
import { useMemo } from 'preact/hooks';
import type { FleetBody } from '../api/wire';
import { formatMs } from '../ui/format';
import { CountsTable } from './counts-table';
import { AudioRateChart, LatencyChart, LatencyHeatmap } from './fleet-charts';
import { useFleetFeed } from './use-fleet-feed';
import { WorkersTable } from './workers-table';

export function FleetView() {
  const { fleet, state } = useFleetFeed();
  return (
    <section aria-labelledby="fleet-title">
      <h2 id="fleet-title">Fleet</h2>
      <p class="status" data-testid="fleet-feed" data-state={state}>
        {state === 'live' ? 'live' : state === 'connecting' ? 'connecting…' : 'reconnecting…'}
        {fleet &&
          ` · a point every ${fleet.interval_ms / 1000} s, last ${fleet.window_ms / 60_000} min`}
      </p>
      {fleet && <FleetBodyView fleet={fleet} />}
    </section>
  );
}

function FleetBodyView({ fleet }: { fleet: FleetBody }) {
  const latest = fleet.points.at(-1);
  const recentErrors = useMemo(() => sumRecords(fleet.points.map((p) => p.errors)), [fleet.points]);
  const recentRefusals = useMemo(
    () => sumRecords(fleet.points.map((p) => p.refusals)),
    [fleet.points],
  );
  const refusals = fleet.totals.refusals;
  const windowMin = `last ${fleet.window_ms / 60_000} min`;
  return (
    <>
      <dl class="tiles">
        <div>
          <dt>streams open</dt>
          <dd>{fleet.workers.reduce((a, w) => a + w.active_streams, 0)}</dd>
        </div>
        <div>
          <dt>streams served</dt>
          <dd data-testid="fleet-streams-served">{fleet.totals.requests.listen ?? 0}</dd>
        </div>
        <div>
          <dt>first partial p50 / p95</dt>
          <dd>
            {formatMs(latest?.first_partial?.p50_ms)} / {formatMs(latest?.first_partial?.p95_ms)}
          </dd>
        </div>
        <div>
          <dt>final p50 / p95</dt>
          <dd>
            {formatMs(latest?.final?.p50_ms)} / {formatMs(latest?.final?.p95_ms)}
          </dd>
        </div>
        <div>
          <dt>audio s / s</dt>
          <dd>
            {Object.values(latest?.audio_seconds_per_s ?? {})
              .reduce((a, b) => a + b, 0)
              .toFixed(2)}
          </dd>
        </div>
      </dl>
      <WorkersTable workers={fleet.workers} />
      <p class="muted">
        Regions:{' '}
        {fleet.regions.length === 0
          ? 'one (embedded)'
          : fleet.regions
              .map(
                (r) =>
                  `${r.name} (${r.zone}): ${r.ready_workers}/${r.workers} workers ready, ` +
                  `${r.active_streams}/${r.stream_capacity} streams`,
              )
              .join('; ')}
        . Rollouts:{' '}
        {fleet.rollouts.length === 0 ? 'none (releases are not built yet)' : fleet.rollouts.length}.
      </p>
      <div class="grid">
        <figure>
          <figcaption>Latency, p50 (solid) and p95 (dashed), rolling minute</figcaption>
          <LatencyChart fleet={fleet} />
        </figure>
        <figure>
          <figcaption>Final latency heatmap (finals per interval and bucket)</figcaption>
          <LatencyHeatmap fleet={fleet} />
        </figure>
        <figure>
          <figcaption>Audio processed, seconds per second</figcaption>
          <AudioRateChart fleet={fleet} />
        </figure>
        <div>
          <CountsTable
            caption="Errors by code"
            keyHeader="code"
            total={fleet.totals.errors}
            recent={recentErrors}
            recentHeader={windowMin}
            testId="fleet-errors"
          />
          <CountsTable
            caption="Stream refusals (OVER_CAPACITY) by reason"
            keyHeader="reason"
            total={refusals}
            recent={recentRefusals}
            recentHeader={windowMin}
            testId="fleet-refusals"
          />
        </div>
      </div>
    </>
  );
}

function sumRecords(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}
