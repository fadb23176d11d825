/**
 * A short ring of metric snapshots, one every `intervalMs`, kept for `windowMs`: the time series
 * behind the console's fleet view. Readings come from the registry /metrics renders.
 */
import type { Clock, TimerHandle } from '../core/index.js';
import type { Telemetry } from './metrics.js';
import { readMetricsSnapshot, type MetricsSnapshot } from './metrics-snapshot.js';

export interface MetricsHistoryOptions {
  /** Time between snapshots. */
  readonly intervalMs: number;
  /** How far back snapshots are kept. */
  readonly windowMs: number;
}

export type SnapshotListener = (snapshot: MetricsSnapshot) => void;

export class MetricsHistory {
  private readonly ring: MetricsSnapshot[] = [];
  private readonly capacity: number;
  private readonly listeners = new Set<SnapshotListener>();
  private timer: TimerHandle | undefined;
  /** A reading still in flight is not overlapped by the next tick. */
  private reading = false;

  constructor(
    private readonly telemetry: Telemetry,
    private readonly clock: Clock,
    readonly options: MetricsHistoryOptions,
  ) {
    this.capacity = Math.max(2, Math.ceil(options.windowMs / options.intervalMs) + 1);
  }

  /** Takes the first snapshot now, then one per interval until stop(). */
  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    this.timer = this.clock.setInterval(() => void this.sample(), this.options.intervalMs);
    await this.sample();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.listeners.clear();
  }

  /** Oldest first. */
  snapshots(): readonly MetricsSnapshot[] {
    return this.ring;
  }

  /** Called after each new snapshot; returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async sample(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const snapshot = await readMetricsSnapshot(this.telemetry, this.clock.now());
      this.ring.push(snapshot);
      if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
      for (const listener of this.listeners) listener(snapshot);
    } finally {
      this.reading = false;
    }
  }
}
