/**
 * What the decode slots did over the last seconds: busy time by class of work, how long finals
 * and first partials waited for a slot, how late live streams got their first partials (as the
 * sessions measured it: waits, slowed decodes and retries included), and how many stream-seconds
 * of audio were open. Admission control reads it to know the worker's real-time headroom from
 * measurement rather than from a fixed connection count. Time comes from the injected clock, in
 * one-second buckets.
 *
 * Two spans: busy time and audio over `costWindowS` (30 s), because one utterance's cost per
 * second varies five-fold with its length (every Whisper decode pays the same padding) and a
 * short window made the capacity estimate swing by a stream or two under steady load; waits over
 * the last `waitWindowS` (10 s), because a queue that has started to build must count at once.
 */
import type { Clock } from '../../core/index.js';

export type WorkClass =
  | 'final'
  /** A final decoded at a phrase end before the utterance is known to have ended. */
  | 'speculative_final'
  | 'first_partial'
  | 'partial'
  | 'speech'
  | 'file'
  | 'background';

interface Bucket {
  second: number;
  busyMs: Record<WorkClass, number>;
  finalWaitsMs: number[];
  firstPartialWaitsMs: number[];
  firstPartialLatenciesMs: number[];
  decodes: number;
  streamAudioS: number;
}

export interface LedgerWindow {
  /** Cost window actually covered, ms. */
  readonly spanMs: number;
  readonly busyMs: Readonly<Record<WorkClass, number>>;
  /** Waits of finals for a slot over the (shorter) wait window, ms, oldest first. */
  readonly finalWaitsMs: readonly number[];
  /** Waits of first partials for a slot over the wait window, ms, oldest first. */
  readonly firstPartialWaitsMs: readonly number[];
  /** Live first partials over the wait window: speech detected -> first partial sent, ms. */
  readonly firstPartialLatenciesMs: readonly number[];
  readonly decodes: number;
  /** Seconds of live-stream audio received within the window (all streams together). */
  readonly streamAudioS: number;
}

/** Busy time of no decode, per class. */
export const zeroBusyMs = (): Record<WorkClass, number> => ({
  final: 0,
  speculative_final: 0,
  first_partial: 0,
  partial: 0,
  speech: 0,
  file: 0,
  background: 0,
});

export class LoadLedger {
  private readonly buckets: Bucket[] = [];
  private readonly startedMs: number;

  constructor(
    private readonly clock: Clock,
    /** Seconds over which busy time and stream audio are summed. */
    private readonly costWindowS = 30,
    /** Seconds over which slot waits are kept. */
    private readonly waitWindowS = 10,
  ) {
    this.startedMs = clock.now();
  }

  /** One decode that ran for `runMs` after waiting `waitMs` for a slot. */
  record(cls: WorkClass, waitMs: number, runMs: number): void {
    const b = this.bucket();
    b.busyMs[cls] += runMs;
    b.decodes++;
    if (cls === 'final') b.finalWaitsMs.push(waitMs);
    if (cls === 'first_partial') b.firstPartialWaitsMs.push(waitMs);
  }

  /** A live stream's first partial of an utterance went out `ms` after speech was detected. */
  recordFirstPartialLatency(ms: number): void {
    this.bucket().firstPartialLatenciesMs.push(ms);
  }

  /** Live-stream audio received; silent audio counts too (it is what streams cost on average). */
  addStreamAudio(seconds: number): void {
    this.bucket().streamAudioS += seconds;
  }

  window(): LedgerWindow {
    this.prune();
    const busyMs = zeroBusyMs();
    const finalWaitsMs: number[] = [];
    const firstPartialWaitsMs: number[] = [];
    const firstPartialLatenciesMs: number[] = [];
    let decodes = 0;
    let streamAudioS = 0;
    const waitsFrom = Math.floor(this.clock.now() / 1000) - this.waitWindowS;
    for (const b of this.buckets) {
      for (const k of Object.keys(busyMs) as WorkClass[]) busyMs[k] += b.busyMs[k];
      if (b.second > waitsFrom) {
        finalWaitsMs.push(...b.finalWaitsMs);
        firstPartialWaitsMs.push(...b.firstPartialWaitsMs);
        firstPartialLatenciesMs.push(...b.firstPartialLatenciesMs);
      }
      decodes += b.decodes;
      streamAudioS += b.streamAudioS;
    }
    const spanMs = Math.min(this.costWindowS * 1000, this.clock.now() - this.startedMs);
    return {
      spanMs,
      busyMs,
      finalWaitsMs,
      firstPartialWaitsMs,
      firstPartialLatenciesMs,
      decodes,
      streamAudioS,
    };
  }

  private bucket(): Bucket {
    const second = Math.floor(this.clock.now() / 1000);
    const last = this.buckets.at(-1);
    if (last?.second === second) return last;
    const b: Bucket = {
      second,
      busyMs: zeroBusyMs(),
      finalWaitsMs: [],
      firstPartialWaitsMs: [],
      firstPartialLatenciesMs: [],
      decodes: 0,
      streamAudioS: 0,
    };
    this.buckets.push(b);
    this.prune();
    return b;
  }

  private prune(): void {
    const oldest = Math.floor(this.clock.now() / 1000) - this.costWindowS;
    while ((this.buckets[0]?.second ?? Infinity) <= oldest) this.buckets.shift();
  }
}
