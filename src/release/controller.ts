/**
 * The rollout controller: on every tick it judges the running step on fresh evidence and
 * stores the decision. Any number may run (one per region, say); a lease in the same store
 * lets exactly one act at a time, and a controller that dies is replaced once its lease runs
 * out. Decisions are compare-and-set over the state they were computed from, so even a
 * controller that lost its lease without knowing it (a long pause) cannot apply a step twice:
 * its write fails and it reads again.
 *
 * A step that gates on `rollback_drill_ms` gets a rollback drill before it is judged: the
 * controller marks the drill in the state (new sessions go to the baseline), waits for a
 * gateway to report the first new session it served the baseline (or `drillLimitMs`), and
 * records the time. A drill that saw no session is retried after `drillRetryMs`, up to
 * `drillAttempts` times; without a measurement the gate has no data and fails at the step's
 * `maxDurationS`.
 */
import type { Clock } from '../core/index.js';
import type { StepEvidence } from './gates.js';
import type { ReleasePlan } from './plan.js';
import { drillRunning, endDrill, evaluate, startDrill, type RolloutState } from './rollout.js';
import { RolloutStore, type VersionedStore } from './rollout-store.js';

/** Where a step's evidence comes from (shadow comparisons, serving metrics, eval reports). */
export interface EvidenceSource {
  evidence(plan: ReleasePlan, state: RolloutState, nowMs: number): Promise<StepEvidence>;
}

/** What gateways report about drills (gateway-releases.ts keeps it in the releases bucket). */
export interface DrillObservations {
  /**
   * The earliest time (ms since the epoch, the gateways' clocks) a gateway served a new session
   * the baseline because of the drill that began at `startedMs`; undefined while none has.
   */
  firstServedAt(planId: string, startedMs: number): Promise<number | undefined>;
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
  /** Drill reports; without them a drill never measures anything. */
  readonly drills?: DrillObservations;
  /** A silent leader is replaced after this long. */
  readonly leaseMs?: number;
}

export const CONTROLLER_DEFAULTS = Object.freeze({
  leaseMs: 10_000,
  /** A drill that has seen no new session by then ends unmeasured. */
  drillLimitMs: 10_000,
  /** Wait between an unmeasured drill and the next try. */
  drillRetryMs: 60_000,
  drillAttempts: 3,
});

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
    const decided =
      (await this.drillChange(plan, state, now)) ??
      evaluate(plan, state, now, await this.options.evidence.evidence(plan, state, now));
    if (decided === state) return 'waiting';
    const written = await this.rollouts.applyOnce(
      plan.id,
      current.revision,
      current.rollout,
      decided,
    );
    return written ? 'decided' : 'conflict';
  }

  /**
   * The drill's next move when the running step gates on it: start, end (measured or not),
   * retry, or wait (the same state); undefined when the step is to be judged.
   */
  private async drillChange(
    plan: ReleasePlan,
    state: RolloutState,
    now: number,
  ): Promise<RolloutState | undefined> {
    const step = plan.steps[state.stepIndex];
    if (step === undefined || !step.gates.some((g) => g.metric === 'rollback_drill_ms'))
      return undefined;
    const drill = state.drill;
    const d = CONTROLLER_DEFAULTS;
    if (drill === undefined) return startDrill(state, now);
    if (drillRunning(state)) {
      const seen = await this.options.drills?.firstServedAt(plan.id, drill.startedMs);
      if (seen !== undefined) return endDrill(state, now, Math.max(0, seen - drill.startedMs));
      return now - drill.startedMs >= d.drillLimitMs ? endDrill(state, now, undefined) : state;
    }
    const retry =
      drill.measuredMs === undefined &&
      drill.attempts < d.drillAttempts &&
      now - (drill.endedMs ?? now) >= d.drillRetryMs;
    return retry ? startDrill(state, now) : undefined;
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
