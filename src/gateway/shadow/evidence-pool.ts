/**
 * Evidence pooled across gateways: each gateway writes its own totals for a running step under
 * `evidence.<rollout>.<step>.<gateway>` in the releases bucket (every second, its own key, so
 * writers never collide), and the acting controller sums every gateway's totals. A region-by-
 * region release is judged on the sessions of every gateway, not only the leader's.
 */
import type { StepEvidence } from '../../release/index.js';
import { combinedEvidence, type StepTotals } from './combined-evidence.js';
import { mergeFleetTotals } from './fleet-samples.js';
import { mergeServingTotals } from './serving-evidence.js';
import { mergeShadowTotals } from './shadow-evidence.js';

/** What the pool needs of the store (NatsVersionedKv and the memory store have it). */
export interface EvidenceStore {
  put<T>(key: string, value: T): Promise<void>;
  get<T>(key: string): Promise<{ readonly value: T } | undefined>;
  keys(prefix: string): Promise<string[]>;
}

const prefixOf = (rolloutId: string, step: string): string => `evidence.${rolloutId}.${step}.`;

export class EvidencePool {
  constructor(
    private readonly store: EvidenceStore,
    private readonly gatewayId: string,
  ) {}

  /** Writes this gateway's totals for the step (overwriting its previous ones). */
  publish(rolloutId: string, step: string, totals: StepTotals): Promise<void> {
    return this.store.put(`${prefixOf(rolloutId, step)}${this.gatewayId}`, totals);
  }

  /** Every gateway's totals for the step, summed, as the gates read them. */
  async evidence(rolloutId: string, step: string): Promise<StepEvidence> {
    const keys = await this.store.keys(prefixOf(rolloutId, step));
    const all = (await Promise.all(keys.map((k) => this.store.get<StepTotals>(k)))).flatMap((e) =>
      e === undefined ? [] : [e.value],
    );
    return combinedEvidence({
      shadow: mergeShadowTotals(all.map((t) => t.shadow)),
      serving: mergeServingTotals(all.map((t) => t.serving)),
      fleet: mergeFleetTotals(all.map((t) => t.fleet)),
    });
  }
}
