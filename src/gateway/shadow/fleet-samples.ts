/**
 * What the workers of a running step look like while it runs: every second the gateway samples
 * the workers it can see in the step's regions and keeps, per step, the deepest decode queue
 * and the largest resident memory among them. These are the step's `queue_depth_p95` (p95 of the
 * deepest queue over the step) and `memory_mb` (the most any worker held): fleet figures, not
 * per version, since both versions share the workers (gate them with `value`). A region that
 * cannot hold the candidate beside the baseline shows here before it shows in latency.
 */
import type { WorkerStatus } from '../../fabric/index.js';
import type { MetricFigures, PlanStep } from '../../release/index.js';
import { quantile } from './serving-evidence.js';

export interface FleetTotals {
  /** The deepest queue among the step's workers, one sample per second. */
  queued: number[];
  /** The largest resident memory among them, bytes, one sample per second. */
  memoryBytes: number[];
}

/** An hour of samples per step and gateway: a p95 needs no more, and memory stays bounded. */
const MAX_SAMPLES = 3600;

export class FleetSamples {
  private readonly totals = new Map<string, FleetTotals>();

  /** One sample of the workers `step` reaches (all, when it names no regions). */
  sample(rolloutId: string, step: PlanStep, workers: readonly WorkerStatus[]): void {
    const regions = step.selector.regions;
    const reached = workers.filter(
      (w) =>
        w.state === 'ready' &&
        (regions === undefined || w.region === undefined || regions.includes(w.region)),
    );
    if (reached.length === 0) return;
    const key = `${rolloutId}/${step.name}`;
    let t = this.totals.get(key);
    if (t === undefined) this.totals.set(key, (t = { queued: [], memoryBytes: [] }));
    if (t.queued.length >= MAX_SAMPLES) {
      t.queued.shift();
      t.memoryBytes.shift();
    }
    t.queued.push(Math.max(...reached.map((w) => w.decodesQueued)));
    t.memoryBytes.push(Math.max(0, ...reached.map((w) => w.memoryBytes ?? 0)));
  }

  /** Samples kept for the step (how often it is published follows this, not a copy). */
  count(rolloutId: string, step: string): number {
    return this.totals.get(`${rolloutId}/${step}`)?.queued.length ?? 0;
  }

  snapshot(rolloutId: string, step: string): FleetTotals {
    return structuredClone(
      this.totals.get(`${rolloutId}/${step}`) ?? { queued: [], memoryBytes: [] },
    );
  }
}

export function mergeFleetTotals(all: readonly (FleetTotals | undefined)[]): FleetTotals {
  const merged: FleetTotals = { queued: [], memoryBytes: [] };
  for (const t of all) {
    if (t === undefined) continue; // a gateway from before fleet samples
    merged.queued.push(...t.queued);
    merged.memoryBytes.push(...t.memoryBytes);
  }
  return merged;
}

export function fleetFiguresOf(t: FleetTotals): MetricFigures {
  const memory = Math.max(0, ...t.memoryBytes);
  return {
    ...(t.queued.length > 0 ? { queue_depth_p95: quantile(t.queued, 0.95) } : {}),
    ...(memory > 0 ? { memory_mb: memory / (1024 * 1024) } : {}),
  };
}
