/**
 * GET /v1/fleet (JSON) and GET /v1/fleet/events (server-sent events): what the console's fleet
 * view shows. Workers come from the fabric; the time series from the metrics history, which
 * reads the same registry as /metrics. `fleet` events carry the whole window, `tick` events the
 * newest point only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FabricClient, WorkerStatus } from '../../fabric/index.js';
import {
  deriveFleetSeries,
  type FleetPoint,
  type MetricsHistory,
  type LatencyPercentiles,
} from '../../telemetry/index.js';

export const FLEET_HISTORY = Object.freeze({
  /** A snapshot every 2 s: fine enough for a live view, 300 points over the window. */
  intervalMs: 2000,
  /** Ten minutes of history ("the last minutes" an on-call engineer looks at). */
  windowMs: 10 * 60_000,
  /** p50/p95 over the last minute, so a single slow final neither vanishes nor dominates. */
  rollingWindowMs: 60_000,
});

export interface FleetRouteOptions {
  readonly fabric: FabricClient;
  readonly history: MetricsHistory;
  /** Window of the p50/p95 figures. */
  readonly rollingWindowMs: number;
}

export function registerFleetRoutes(app: FastifyInstance, options: FleetRouteOptions): void {
  app.get('/v1/fleet', async () => fleetBody(options, 'all'));

  const open = new Set<FastifyReply>();
  app.get('/v1/fleet/events', (_req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const send = (event: string, body: unknown): void => {
      reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(body)}\n\n`);
    };
    send('fleet', fleetBody(options, 'all'));
    const unsubscribe = options.history.subscribe(() => send('tick', fleetBody(options, 'last')));
    open.add(reply);
    reply.raw.once('close', () => {
      unsubscribe();
      open.delete(reply);
    });
  });
  // Event streams never end on their own; closing the server ends them.
  app.addHook('preClose', async () => {
    for (const reply of open) reply.raw.end();
  });
}

function fleetBody(options: FleetRouteOptions, points: 'all' | 'last'): Record<string, unknown> {
  const snapshots = options.history.snapshots();
  const series = deriveFleetSeries(snapshots, options.rollingWindowMs);
  const latest = snapshots.at(-1);
  return {
    interval_ms: options.history.options.intervalMs,
    window_ms: options.history.options.windowMs,
    rolling_window_ms: options.rollingWindowMs,
    workers: options.fabric.workers().map(workerBody),
    regions: regionsOf(options.fabric.workers()),
    // Rollouts arrive with release (not built yet).
    rollouts: [],
    totals: {
      errors: latest?.errors ?? {},
      refusals: latest?.refusals ?? {},
      requests: latest?.requests ?? {},
      audio_seconds: latest?.audioSeconds ?? {},
    },
    latency_bounds_s: series.latencyBoundsS,
    points: (points === 'all' ? series.points : series.points.slice(-1)).map(pointBody),
  };
}

function workerBody(w: WorkerStatus): Record<string, unknown> {
  return {
    id: w.id,
    state: w.state,
    models: w.models.map((m) => ({ name: m.name, version: m.version, kind: m.kind })),
    active_streams: w.activeStreams,
    stream_capacity: w.streamCapacity,
    max_streams: w.maxStreams,
    decodes_running: w.decodesRunning,
    decodes_queued: w.decodesQueued,
    ...(w.region !== undefined ? { region: w.region } : {}),
    ...(w.zone !== undefined ? { zone: w.zone } : {}),
  };
}

/** Workers grouped by the region they announced (NATS fleets); none for the embedded server. */
function regionsOf(workers: readonly WorkerStatus[]): Array<Record<string, unknown>> {
  const byRegion = new Map<string, { zone: string; workers: WorkerStatus[] }>();
  for (const w of workers) {
    if (w.region === undefined) continue;
    const entry = byRegion.get(w.region) ?? { zone: w.zone ?? '', workers: [] };
    entry.workers.push(w);
    byRegion.set(w.region, entry);
  }
  return [...byRegion]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { zone, workers: ws }]) => ({
      name,
      zone,
      workers: ws.length,
      ready_workers: ws.filter((w) => w.state === 'ready').length,
      active_streams: ws.reduce((n, w) => n + w.activeStreams, 0),
      stream_capacity: ws.reduce((n, w) => n + w.streamCapacity, 0),
    }));
}

function pointBody(p: FleetPoint): Record<string, unknown> {
  return {
    at_ms: Math.round(p.atMs),
    final_latency_counts: p.finalLatencyCounts,
    first_partial: percentiles(p.firstPartial),
    final: percentiles(p.final),
    audio_seconds_per_s: p.audioSecondsPerS,
    errors: p.errors,
    refusals: p.refusals,
    active_streams: p.activeStreams,
  };
}

function percentiles(p: LatencyPercentiles | undefined): Record<string, number> | null {
  return p ? { p50_ms: p.p50Ms, p95_ms: p.p95Ms } : null;
}
