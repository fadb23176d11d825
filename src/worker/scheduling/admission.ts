/**
 * Whether one more live stream fits on this worker, decided from measured headroom rather than
 * a connection count.
 *
 * The real-time work a stream cannot do without is its finals and first partials (refresh
 * partials are elastic: the scheduler thins them under load). The ledger says how many
 * slot-milliseconds that work took over the last seconds; divided by the stream-seconds that
 * were open, that is the measured cost of one stream. A new stream is admitted while
 * (streams + 1) x cost stays under `targetUtilisation` of the slots that required work can count
 * on: all slots, minus those batch work holds right now, minus one. Without low-priority
 * threads, refresh partials keep that one busy whenever streams are open (a running decode cannot
 * be interrupted); with them, refresh holds no slot, but counting every slot let too many streams
 * in: their finals or first partials went over the SLO (docs/scheduling.md), so the one slot
 * stays out of the count as measured headroom; and while finals and first partials are not
 * already waiting for slots longer than `maxFinalWaitMs` / `maxFirstPartialWaitMs` at the 90th
 * percentile (while streams are open): the estimate says where the knee should be, the waits
 * say the queue has started to build. Until enough stream audio has been seen, the cost measured
 * by calibration at start-up stands in.
 */
import { VoxfleetError } from '../../core/index.js';
import type { LedgerWindow } from './load-ledger.js';

export interface AdmissionOptions {
  /** Fraction of the real-time slots that admitted streams may fill (queueing stays short). */
  readonly targetUtilisation: number;
  /** Finals waiting longer than this (p90 over the window) mean the worker is already full. */
  readonly maxFinalWaitMs: number;
  /** First partials waiting longer than this (p90 over the window) mean the same. */
  readonly maxFirstPartialWaitMs: number;
  /** Hard cap, for memory: streams held at once whatever the headroom. */
  readonly maxStreams: number;
  /** Slot-ms of required work per second of stream audio, from start-up calibration. */
  readonly priorCostMsPerS: number;
  /** Seconds of stream audio in the window before the live measure replaces the prior. */
  readonly minEvidenceStreamS: number;
  /** What a refused client is told to wait. */
  readonly retryAfterMs: number;
}

export interface AdmissionInput {
  readonly activeStreams: number;
  readonly window: LedgerWindow;
  readonly slots: number;
  readonly runningBatch: number;
}

export interface AdmissionVerdict {
  readonly admit: boolean;
  /** Measured (or prior) slot-ms of required work per stream-second. */
  readonly costMsPerS: number;
  /** Streams the real-time slots can carry at the target utilisation. */
  readonly capacity: number;
  readonly reason?: 'max_streams' | 'headroom' | 'final_wait' | 'first_partial_wait';
}

export function judgeAdmission(options: AdmissionOptions, input: AdmissionInput): AdmissionVerdict {
  const w = input.window;
  const required = w.busyMs.final + w.busyMs.first_partial;
  const measured = w.streamAudioS >= options.minEvidenceStreamS;
  const costMsPerS = measured ? required / w.streamAudioS : options.priorCostMsPerS;
  const partialSlot = input.slots > 1 ? 1 : 0;
  const realtimeSlots = Math.max(1, input.slots - input.runningBatch - partialSlot);
  // Slot-ms available per second of wall time = slots x 1000.
  const capacity = Math.floor(
    (realtimeSlots * 1000 * options.targetUtilisation) / Math.max(costMsPerS, 1e-6),
  );
  const base = { costMsPerS, capacity: Math.min(capacity, options.maxStreams) };
  if (input.activeStreams >= options.maxStreams)
    return { ...base, admit: false, reason: 'max_streams' };
  if (input.activeStreams + 1 > capacity) return { ...base, admit: false, reason: 'headroom' };
  // Waits left over from streams that have all gone say nothing about the streams to come.
  if (input.activeStreams > 0 && waitP90(w.finalWaitsMs) > options.maxFinalWaitMs)
    return { ...base, admit: false, reason: 'final_wait' };
  if (input.activeStreams > 0 && waitP90(w.firstPartialWaitsMs) > options.maxFirstPartialWaitMs)
    return { ...base, admit: false, reason: 'first_partial_wait' };
  return { ...base, admit: true };
}

export function overCapacity(verdict: AdmissionVerdict, retryAfterMs: number): VoxfleetError {
  const why =
    verdict.reason === 'max_streams'
      ? 'it holds its configured maximum of streams'
      : verdict.reason === 'final_wait' || verdict.reason === 'first_partial_wait'
        ? 'live decodes are already waiting for slots'
        : `its measured headroom is ${verdict.capacity} streams`;
  return new VoxfleetError('OVER_CAPACITY', `this worker is full: ${why}`, { retryAfterMs });
}

/**
 * Waits below this count say nothing yet: with one or two streams a p90 is their slowest wait,
 * and one decode slowed by a busy machine refused the next stream (seen with two streams while
 * other processes loaded the cores).
 */
export const MIN_WAIT_SAMPLES = 10;

/** Nearest-rank 90th percentile of the waits; 0 below MIN_WAIT_SAMPLES. */
function waitP90(values: readonly number[]): number {
  if (values.length < MIN_WAIT_SAMPLES) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 0;
}
