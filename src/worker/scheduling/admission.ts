/**
 * Whether one more live stream fits on this worker, decided from measured headroom rather than
 * a connection count.
 *
 * The real-time work a stream cannot do without is its finals and first partials (refresh
 * partials are elastic: the scheduler thins them under load). The ledger says how many
 * slot-milliseconds that work took over the last seconds; divided by the stream-seconds that
 * were open, that is the measured cost of one stream. A new stream is admitted while
 * (streams + 1) x cost stays under `targetUtilisation` of the slots that required work can count
 * on: all slots minus those batch work holds right now, and minus one when refresh partials run
 * in the slots (a running decode cannot be interrupted, so refresh keeps one busy whenever
 * streams are open; with low-priority threads it holds none). Until enough stream audio has been
 * seen, the cost measured by calibration at start-up stands in.
 *
 * The estimate says where the knee should be; what the streams get says whether it is there.
 * While streams are open, a new one is also refused when, at the 90th percentile over the last
 * seconds, finals or first partials already wait longer than `maxFinalWaitMs` /
 * `maxFirstPartialWaitMs` for a slot, or first partials reach their sessions later than
 * `maxFirstPartialLatencyMs` after speech was detected: a busy machine slows decodes down
 * before any queue builds, and the first caption is what breaks first (docs/scheduling.md).
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
  /** First partials later than this after speech was detected (p90 over the window): the same. */
  readonly maxFirstPartialLatencyMs: number;
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
  /** Refresh partials run on the engine's low-priority threads, not in `slots`. */
  readonly refreshOffSlots: boolean;
}

export interface AdmissionVerdict {
  readonly admit: boolean;
  /** Measured (or prior) slot-ms of required work per stream-second. */
  readonly costMsPerS: number;
  /** Streams the real-time slots can carry at the target utilisation. */
  readonly capacity: number;
  readonly reason?:
    'max_streams' | 'headroom' | 'final_wait' | 'first_partial_wait' | 'first_partial_latency';
}

export function judgeAdmission(options: AdmissionOptions, input: AdmissionInput): AdmissionVerdict {
  const w = input.window;
  const required = w.busyMs.final + w.busyMs.speculative_final + w.busyMs.first_partial;
  const measured = w.streamAudioS >= options.minEvidenceStreamS;
  const costMsPerS = measured ? required / w.streamAudioS : options.priorCostMsPerS;
  const partialSlot = input.slots > 1 && !input.refreshOffSlots ? 1 : 0;
  const realtimeSlots = Math.max(1, input.slots - input.runningBatch - partialSlot);
  // Slot-ms available per second of wall time = slots x 1000.
  const capacity = Math.floor(
    (realtimeSlots * 1000 * options.targetUtilisation) / Math.max(costMsPerS, 1e-6),
  );
  const base = { costMsPerS, capacity: Math.min(capacity, options.maxStreams) };
  if (input.activeStreams >= options.maxStreams)
    return { ...base, admit: false, reason: 'max_streams' };
  if (input.activeStreams + 1 > capacity) return { ...base, admit: false, reason: 'headroom' };
  // Waits and latencies left over from streams that have all gone say nothing about the streams
  // to come.
  if (input.activeStreams === 0) return { ...base, admit: true };
  const late: [readonly number[], number, NonNullable<AdmissionVerdict['reason']>][] = [
    [w.finalWaitsMs, options.maxFinalWaitMs, 'final_wait'],
    [w.firstPartialWaitsMs, options.maxFirstPartialWaitMs, 'first_partial_wait'],
    [w.firstPartialLatenciesMs, options.maxFirstPartialLatencyMs, 'first_partial_latency'],
  ];
  for (const [values, limit, reason] of late)
    if (p90(values) > limit) return { ...base, admit: false, reason };
  return { ...base, admit: true };
}

export function overCapacity(verdict: AdmissionVerdict, retryAfterMs: number): VoxfleetError {
  const why =
    verdict.reason === 'max_streams'
      ? 'it holds its configured maximum of streams'
      : verdict.reason === 'final_wait' || verdict.reason === 'first_partial_wait'
        ? 'live decodes are already waiting for slots'
        : verdict.reason === 'first_partial_latency'
          ? 'first captions are already late'
          : `its measured headroom is ${verdict.capacity} streams`;
  return new VoxfleetError('OVER_CAPACITY', `this worker is full: ${why}`, { retryAfterMs });
}

/**
 * Waits or latencies below this count say nothing yet: with one or two streams a p90 is their
 * slowest, and one decode slowed by a busy machine refused the next stream (seen with two
 * streams while other processes loaded the cores).
 */
export const MIN_WAIT_SAMPLES = 10;

/** Nearest-rank 90th percentile; 0 below MIN_WAIT_SAMPLES. */
function p90(values: readonly number[]): number {
  if (values.length < MIN_WAIT_SAMPLES) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 0;
}
