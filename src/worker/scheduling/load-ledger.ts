/**
 * What the decode slots did over the last few seconds: busy time by class of work, how long
 * finals waited for a slot, and how many stream-seconds of audio were open. Admission control
 * reads it to know the worker's real-time headroom from measurement rather than from a fixed
 * connection count. Time comes from the injected clock, in one-second buckets.
 */
import type { Clock } from '../../core/index.js';

export type WorkClass = 'final' | 'first_partial' | 'partial' | 'speech' | 'file';

interface Bucket {
  second: number;
  busyMs: Record<WorkClass, number>;
  finalWaitsMs: number[];
  decodes: number;
  streamAudioS: number;
}

export interface LedgerWindow {
  /** Window length actually covered, ms. */
  readonly spanMs: number;
  readonly busyMs: Readonly<Record<WorkClass, number>>;
  /** Waits of finals for a slot, ms, oldest first. */
  readonly finalWaitsMs: readonly number[];
  readonly decodes: number;
  /** Seconds of live-stream audio received within the window (all streams together). */
  readonly streamAudioS: number;
}

const ZERO = (): Record<WorkClass, number> => ({
  final: 0,
  first_partial: 0,
  partial: 0,
  speech: 0,
  file: 0,
});

export class LoadLedger {
  private readonly buckets: Bucket[] = [];
  private readonly startedMs: number;

  constructor(
    private readonly clock: Clock,
    /** Seconds of history kept. */
    private readonly windowS = 10,
  ) {
    this.startedMs = clock.now();
  }

  /** One decode that ran for `runMs` after waiting `waitMs` for a slot. */
  record(cls: WorkClass, waitMs: number, runMs: number): void {
    const b = this.bucket();
    b.busyMs[cls] += runMs;
    b.decodes++;
    if (cls === 'final') b.finalWaitsMs.push(waitMs);
  }

  /** Live-stream audio received; silent audio counts too (it is what streams cost on average). */
  addStreamAudio(seconds: number): void {
    this.bucket().streamAudioS += seconds;
  }

  window(): LedgerWindow {
    this.prune();
    const busyMs = ZERO();
    const finalWaitsMs: number[] = [];
    let decodes = 0;
    let streamAudioS = 0;
    for (const b of this.buckets) {
      for (const k of Object.keys(busyMs) as WorkClass[]) busyMs[k] += b.busyMs[k];
      finalWaitsMs.push(...b.finalWaitsMs);
      decodes += b.decodes;
      streamAudioS += b.streamAudioS;
    }
    const spanMs = Math.min(this.windowS * 1000, this.clock.now() - this.startedMs);
    return { spanMs, busyMs, finalWaitsMs, decodes, streamAudioS };
  }

  private bucket(): Bucket {
    const second = Math.floor(this.clock.now() / 1000);
    const last = this.buckets.at(-1);
    if (last?.second === second) return last;
    const b: Bucket = { second, busyMs: ZERO(), finalWaitsMs: [], decodes: 0, streamAudioS: 0 };
    this.buckets.push(b);
    this.prune();
    return b;
  }

  private prune(): void {
    const oldest = Math.floor(this.clock.now() / 1000) - this.windowS;
    while ((this.buckets[0]?.second ?? Infinity) <= oldest) this.buckets.shift();
  }
}
