/** What `voxfleet capacity` measures and writes to capacity.json. Latencies in ms. */
import type { Percentiles } from '../report/result-types.js';
import type { MachineInfo } from '../runner/machine.js';
import type { CapacitySlo } from './capacity-config.js';
import type { LoadPoint, SearchOutcome, StepResult } from './search.js';

export const CAPACITY_RESULT_SCHEMA = 'voxfleet.capacity/1';

/** The figures of one loadtest run that the SLO is judged on and the table shows. */
export interface StepMetrics {
  readonly turns: number;
  readonly completed: number;
  /** Turns that failed, refusals included. */
  readonly failed: number;
  readonly refused: number;
  /** failed / turns (0 when no turn ran). */
  readonly errorRate: number;
  readonly firstPartialMs: Percentiles | null;
  readonly finalMs: Percentiles | null;
  /** True when turns were still running at the drain limit and were cut off. */
  readonly cutOff: boolean;
}

/** One search step: a loadtest run at `streams`, judged against the SLO. */
export interface CapacityStep extends StepResult {
  readonly streams: number;
  readonly metrics: StepMetrics;
}

export interface CapacityLoadPoint extends LoadPoint {
  readonly metrics: StepMetrics;
  /** True when this measurement is the search step run at the same stream count. */
  readonly fromSearch: boolean;
}

/** One frame size: its maximum and the latency at 25/50/75/100 % of it. */
export interface CapacityRow {
  readonly frameMs: number;
  readonly maxStreams: number;
  readonly outcome: SearchOutcome;
  readonly steps: readonly CapacityStep[];
  readonly loadPoints: readonly CapacityLoadPoint[];
}

export interface CapacityResult {
  readonly schema: typeof CAPACITY_RESULT_SCHEMA;
  readonly createdAt: string;
  readonly model: { readonly id: string; readonly version: string };
  readonly target: string;
  readonly manifest: string;
  readonly machine: MachineInfo;
  readonly slo: CapacitySlo;
  readonly stepDurationS: number;
  /** The search's upper bound (--max-streams). */
  readonly maxStreamsBound: number;
  readonly rows: readonly CapacityRow[];
}
