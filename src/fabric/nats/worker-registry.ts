/**
 * The gateway's view of the fleet: the last announcement of every worker it has heard from,
 * and when it heard it. A worker that misses `missedHeartbeats` of its own announced periods is
 * dropped and reported lost (its open calls fail over). Pure bookkeeping on an injected clock,
 * so heartbeat expiry is unit-tested without waiting.
 */
import type { Clock, TimerHandle } from '../../core/index.js';
import type { WorkerStatus } from '../contract.js';
import type { WorkerAnnouncement } from './wire.js';

export interface KnownWorker {
  readonly announcement: WorkerAnnouncement;
  readonly lastSeenMs: number;
  /** Streams this gateway opened on it since its last announcement (load between heartbeats). */
  readonly streamsSinceHeartbeat: number;
}

export class WorkerRegistry {
  private readonly known = new Map<string, KnownWorker>();
  private readonly sweeper: TimerHandle;
  private readonly changeListeners = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly missedHeartbeats: number,
    private readonly onLost: (workerId: string) => void,
    sweepEveryMs: number,
  ) {
    this.sweeper = clock.setInterval(() => this.sweep(), sweepEveryMs);
  }

  /** A fresh announcement; `ageMs` is how old it already was when it reached us. */
  upsert(announcement: WorkerAnnouncement, ageMs = 0): void {
    const lastSeenMs = this.clock.now() - Math.max(0, ageMs);
    if (this.isExpired(announcement.heartbeatMs, lastSeenMs)) return;
    this.known.set(announcement.status.id, { announcement, lastSeenMs, streamsSinceHeartbeat: 0 });
    this.changed();
  }

  /** The worker left on purpose (drained) or cannot be reached: forget it and report it lost. */
  remove(workerId: string): void {
    if (!this.known.delete(workerId)) return;
    this.onLost(workerId);
    this.changed();
  }

  noteStreamOpened(workerId: string): void {
    const w = this.known.get(workerId);
    if (w !== undefined)
      this.known.set(workerId, { ...w, streamsSinceHeartbeat: w.streamsSinceHeartbeat + 1 });
  }

  /**
   * Live workers' statuses, with where they run, counting the streams opened here since their
   * last heartbeat.
   */
  statuses(): WorkerStatus[] {
    return this.entries().map((e) => e.status);
  }

  /** Live workers: their status as statuses() gives it, and their last announcement. */
  entries(): Array<{ status: WorkerStatus; announcement: WorkerAnnouncement }> {
    return [...this.known.values()].map(({ announcement, streamsSinceHeartbeat }) => {
      const { status, region, zone } = announcement;
      return {
        announcement,
        status: {
          ...status,
          region,
          zone,
          activeStreams: status.activeStreams + streamsSinceHeartbeat,
        },
      };
    });
  }

  get(workerId: string): KnownWorker | undefined {
    return this.known.get(workerId);
  }

  /** Drops every worker whose heartbeats stopped. */
  sweep(): void {
    for (const [id, w] of this.known)
      if (this.isExpired(w.announcement.heartbeatMs, w.lastSeenMs)) this.remove(id);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  close(): void {
    this.sweeper.cancel();
    this.known.clear();
    this.changeListeners.clear();
  }

  private isExpired(heartbeatMs: number, lastSeenMs: number): boolean {
    return this.clock.now() - lastSeenMs > heartbeatMs * this.missedHeartbeats;
  }

  private changed(): void {
    for (const l of this.changeListeners) l();
  }
}
