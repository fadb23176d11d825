/**
 * Rollback drills as gateways see them: a gateway writes, once per drill, when it first served a
 * new session the baseline because of it (`drill.<rollout>.<gateway>` in the releases bucket, its
 * own key), and the acting controller takes the earliest of every gateway's reports. Times are
 * the gateways' clocks against the controller's `startedMs`: hosts are expected to keep NTP time.
 */
import type { Clock } from '../../core/index.js';
import type { DrillObservations } from '../../release/index.js';
import type { EvidenceStore } from './evidence-pool.js';

interface DrillReport {
  readonly startedMs: number;
  readonly servedAtMs: number;
}

const prefixOf = (rolloutId: string): string => `drill.${rolloutId}.`;

export class DrillReports implements DrillObservations {
  private readonly reported = new Set<string>();

  constructor(
    private readonly store: EvidenceStore,
    private readonly gatewayId: string,
    private readonly clock: Clock,
  ) {}

  /** A new session was served the baseline by the drill that began at `startedMs`. */
  served(rolloutId: string, startedMs: number): void {
    const once = `${rolloutId}/${startedMs}`;
    if (this.reported.has(once)) return;
    this.reported.add(once);
    const report: DrillReport = { startedMs, servedAtMs: this.clock.now() };
    this.store
      .put(`${prefixOf(rolloutId)}${this.gatewayId}`, report)
      .catch(() => this.reported.delete(once));
  }

  async firstServedAt(rolloutId: string, startedMs: number): Promise<number | undefined> {
    const keys = await this.store.keys(prefixOf(rolloutId));
    const reports = await Promise.all(keys.map((k) => this.store.get<DrillReport>(k)));
    const times = reports
      .filter((r) => r !== undefined && r.value.startedMs === startedMs)
      .map((r) => r!.value.servedAtMs);
    return times.length === 0 ? undefined : Math.min(...times);
  }
}
