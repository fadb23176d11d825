/**
 * The rollout controller: on every tick it judges the running step on fresh evidence and
 * stores the decision. Any number may run (one per region, say); a lease in the same store
 * lets exactly one act at a time, and a controller that dies is replaced once its lease runs
 * out. Decisions are compare-and-set over the state they were computed from, so even a
 * controller that lost its lease without knowing it (a long pause) cannot apply a step twice:
 * its write fails and it reads again.
 */
import type { Clock } from '../core/index.js';
import type { StepEvidence } from './gates.js';
import type { ReleasePlan } from './plan.js';
import { evaluate, type RolloutState } from './rollout.js';
import { RolloutStore, type VersionedStore } from './rollout-store.js';

/** Where a step's evidence comes from (shadow comparisons, serving metrics, eval reports). */
export interface EvidenceSource {
  evidence(plan: ReleasePlan, state: RolloutState, nowMs: number): Promise<StepEvidence>;
}

interface Lease {
  readonly holder: string;
  readonly untilMs: number;
}

export type TickOutcome = 'not_leader' | 'idle' | 'waiting' | 'decided' | 'conflict';

export interface ControllerOptions {
  readonly store: VersionedStore;
  readonly planId: string;
  /** This controller's name, in the lease and nowhere else. */
  readonly holder: string;
  readonly clock: Clock;
  readonly evidence: EvidenceSource;
  /** A silent leader is replaced after this long. */
  readonly leaseMs?: number;
}

export const CONTROLLER_DEFAULTS = Object.freeze({ leaseMs: 10_000 });

export const leaseKey = (planId: string): string => `lease.${planId}`;

export class RolloutController {
  private readonly rollouts: RolloutStore;
  private readonly leaseMs: number;

  constructor(private readonly options: ControllerOptions) {
    this.rollouts = new RolloutStore(options.store);
    this.leaseMs = options.leaseMs ?? CONTROLLER_DEFAULTS.leaseMs;
  }

  async tick(): Promise<TickOutcome> {
    if (!(await this.holdLease())) return 'not_leader';
    const current = await this.rollouts.read(this.options.planId);
    if (current === undefined || current.rollout.state.status !== 'running') return 'idle';
    const { plan, state } = current.rollout;
    const now = this.options.clock.now();
    const evidence = await this.options.evidence.evidence(plan, state, now);
    const decided = evaluate(plan, state, now, evidence);
    if (decided === state) return 'waiting';
    const written = await this.rollouts.applyOnce(
      plan.id,
      current.revision,
      current.rollout,
      decided,
    );
    return written ? 'decided' : 'conflict';
  }

  /** Takes or renews the lease; false while another holder's lease runs. */
  private async holdLease(): Promise<boolean> {
    const { store, planId, holder, clock } = this.options;
    const key = leaseKey(planId);
    const mine: Lease = { holder, untilMs: clock.now() + this.leaseMs };
    const lease = await store.get<Lease>(key);
    if (lease === undefined) return (await store.create(key, mine)) !== undefined;
    if (lease.value.holder !== holder && lease.value.untilMs > clock.now()) return false;
    return (await store.update(key, mine, lease.revision)) !== undefined;
  }
}
