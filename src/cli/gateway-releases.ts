/**
 * What a gateway does for rollouts (`voxfleet gateway --releases`, `voxfleet serve --releases`):
 * it follows every rollout in the releases store (the fleet's JetStream KV bucket; a file in the
 * embedded server), serves each caller the version the rollout assigns, and shadows
 * streams in shadow steps. With `--release-controller` it also runs a controller for each
 * running rollout; the lease in the bucket lets one gateway's controller act at a time.
 *
 * Every gateway publishes its evidence (shadow comparisons, what its users of each version
 * felt) for each running step to the bucket every second; the acting controller judges on all
 * of it pooled.
 */
import { newId, systemClock } from '../core/index.js';
import type { FabricClient, WorkerStatus } from '../fabric/index.js';
import {
  ReleaseBoard,
  ShadowBudget,
  ServingEvidence,
  ShadowEvidence,
  EvidencePool,
  DrillReports,
  FleetSamples,
  withReleasePinning,
  type AssignmentObserver,
  priorityOf,
  type EvidenceStore,
  type FabricForRequest,
  type PinningCaller,
} from '../gateway/index.js';
import {
  ROLLBACK_DRILL,
  RolloutController,
  RolloutStore,
  type VersionedStore,
} from '../release/index.js';

/** Where rollouts, evidence and drill reports live: NatsVersionedKv, or the memory/file store. */
export type ReleasesKv = VersionedStore & EvidenceStore;

export interface GatewayReleases {
  /** The caller's client, with versions assigned (and shadows opened) by the rollouts. */
  pin(inner: FabricClient, caller: PinningCaller): FabricClient;
  /** For a gateway of one region: each request pinned with the priority it declared. */
  perRequest(inner: FabricClient, region: string): FabricForRequest;
  /** The rollouts in the fleet's bucket (the admin API changes them here). */
  readonly store: RolloutStore;
  /** Re-reads the rollouts now rather than at the next refresh. */
  refresh(): Promise<void>;
  close(): void;
}

export const GATEWAY_RELEASE_DEFAULTS = Object.freeze({ controllerTickMs: 1000 });

export async function startGatewayReleases(
  kv: ReleasesKv,
  options: {
    controller: boolean;
    onAssigned?: AssignmentObserver;
    tickMs?: number;
    /** The workers this gateway sees, sampled for a step's queue depth and memory. */
    workers?: () => readonly WorkerStatus[];
  },
): Promise<GatewayReleases> {
  const store = new RolloutStore(kv);
  const board = await ReleaseBoard.start(store, systemClock);
  const evidence = new ShadowEvidence();
  const serving = new ServingEvidence();
  const fleet = new FleetSamples();
  const deps = { budget: new ShadowBudget(), evidence, serving, clock: systemClock };
  const gatewayId = newId('gw');
  const pool = new EvidencePool(kv, gatewayId);
  const drills = new DrillReports(kv, gatewayId, systemClock);
  const onAssigned: AssignmentObserver = (kind, assignment, rollout) => {
    options.onAssigned?.(kind, assignment, rollout);
    const drill = rollout.state.drill;
    if (assignment.because === ROLLBACK_DRILL && drill !== undefined)
      drills.served(rollout.plan.id, drill.startedMs);
  };
  const controllers = new Map<string, RolloutController>();
  const busy = new Set<string>();
  /** What was last published per rollout step: totals change only when a session ends. */
  const published = new Map<string, string>();
  // Once a second: publish this gateway's evidence for every running step, and (with a
  // controller) let the controller judge the step on every gateway's evidence pooled.
  const ticker = systemClock.setInterval(() => {
    for (const { plan, state } of board.rollouts()) {
      const running = plan.steps[state.stepIndex];
      const step = running?.name;
      if (state.status !== 'running' || step === undefined || busy.has(plan.id)) continue;
      if (options.workers !== undefined) fleet.sample(plan.id, running!, options.workers());
      busy.add(plan.id);
      void (async () => {
        const key = `${plan.id}/${step}`;
        const samples = fleet.count(plan.id, step);
        // Sessions change the totals when one ends; fleet samples are written every 10 s.
        const seen = `${evidence.sessions(plan.id, step)}/${serving.sessions(plan.id, step)}/${Math.floor(samples / 10)}`;
        if (published.get(key) !== seen) {
          await pool.publish(plan.id, step, {
            shadow: evidence.snapshot(plan.id, step),
            serving: serving.snapshot(plan.id, step),
            fleet: fleet.snapshot(plan.id, step),
          });
          published.set(key, seen);
        }
        if (!options.controller) return;
        const controller = controllerFor(plan.id);
        if ((await controller.tick()) === 'decided') await board.refresh();
      })()
        .catch(() => undefined)
        .finally(() => busy.delete(plan.id));
    }
  }, options.tickMs ?? GATEWAY_RELEASE_DEFAULTS.controllerTickMs);
  const controllerFor = (planId: string): RolloutController => {
    let controller = controllers.get(planId);
    if (controller === undefined) {
      controller = new RolloutController({
        store: kv,
        planId,
        holder: gatewayId,
        clock: systemClock,
        evidence: {
          evidence: (p, s) => pool.evidence(p.id, p.steps[s.stepIndex]?.name ?? ''),
        },
        drills,
      });
      controllers.set(planId, controller);
    }
    return controller;
  };
  const pin = (inner: FabricClient, caller: PinningCaller): FabricClient =>
    withReleasePinning(inner, board, caller, onAssigned, deps);
  return {
    pin,
    perRequest: (inner, region) => (req) => {
      const priority = priorityOf(req);
      return pin(inner, { region, ...(priority !== undefined ? { priority } : {}) });
    },
    store,
    refresh: () => board.refresh(),
    close() {
      ticker.cancel();
      board.close();
    },
  };
}
