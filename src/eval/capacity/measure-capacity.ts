/**
 * One capacity row per frame size: search the maximum, then the latency at 25/50/75/100 % of
 * it. Load runs go through `runLoad`, so this is tested with a fake and no server. A load
 * point whose stream count the search already ran reuses that step's measurement.
 */
import type { LoadtestResult } from '../loadtest/index.js';
import type { CapacitySlo } from './capacity-config.js';
import type { CapacityLoadPoint, CapacityRow, CapacityStep } from './capacity-types.js';
import { judgeStep, stepMetrics } from './judge-step.js';
import { loadPoints, searchMaxStreams } from './search.js';

/** One loadtest run of the step duration: `streams` real-time streams in `frameMs` frames. */
export type RunLoad = (
  frameMs: number,
  streams: number,
) => Promise<Pick<LoadtestResult, 'summary' | 'cutOff'>>;

export interface MeasureCapacityOptions {
  readonly frameMs: readonly number[];
  readonly maxStreams: number;
  readonly slo: CapacitySlo;
  readonly runLoad: RunLoad;
  readonly onStep?: (frameMs: number, step: CapacityStep) => void;
  readonly onLoadPoint?: (frameMs: number, point: CapacityLoadPoint) => void;
}

export async function measureCapacity(options: MeasureCapacityOptions): Promise<CapacityRow[]> {
  const rows: CapacityRow[] = [];
  for (const frameMs of options.frameMs) {
    const runStep = async (streams: number): Promise<CapacityStep> =>
      judgeStep(streams, stepMetrics(await options.runLoad(frameMs, streams)), options.slo);
    const search = await searchMaxStreams(runStep, {
      maxStreams: options.maxStreams,
      onStep: (_n, step) => options.onStep?.(frameMs, step as CapacityStep),
    });
    const steps = search.steps.map((s) => s.result);
    const points: CapacityLoadPoint[] = [];
    for (const point of loadPoints(search.maxStreams)) {
      const measured =
        points.find((p) => p.streams === point.streams) ??
        steps.findLast((s) => s.streams === point.streams);
      const reused = measured !== undefined;
      const metrics =
        measured?.metrics ?? stepMetrics(await options.runLoad(frameMs, point.streams));
      const done: CapacityLoadPoint = {
        ...point,
        metrics,
        fromSearch: reused && ('fromSearch' in measured ? measured.fromSearch : true),
      };
      points.push(done);
      options.onLoadPoint?.(frameMs, done);
    }
    rows.push({
      frameMs,
      maxStreams: search.maxStreams,
      outcome: search.outcome,
      steps,
      loadPoints: points,
    });
  }
  return rows;
}
