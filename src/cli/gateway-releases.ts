/**
 * What a gateway does for rollouts (`voxfleet gateway --releases`): it follows every rollout in
 * the fleet's releases bucket, serves each caller the version the rollout assigns, and shadows
 * streams in shadow steps. With `--release-controller` it also runs a controller for each
 * running rollout; the lease in the bucket lets one gateway's controller act at a time.
 *
 * The controller's evidence is this gateway's own: its shadow comparisons and what its users
 * of each version felt. Gateways do not pool their evidence yet (docs/releases.md).
 */
import { newId, systemClock, type TimerHandle } from '../core/index.js';
import { NatsVersionedKv, type FabricClient, type NatsConnection } from '../fabric/index.js';
import {
  ReleaseBoard,
  ShadowBudget,
  ServingEvidence,
  ShadowEvidence,
  combinedEvidence,
  withReleasePinning,
  type AssignmentObserver,
  type PinningCaller,
} from '../gateway/index.js';
import { RELEASES_BUCKET, RolloutController, RolloutStore } from '../release/index.js';

export interface GatewayReleases {
  /** The caller's client, with versions assigned (and shadows opened) by the rollouts. */
  pin(inner: FabricClient, caller: PinningCaller): FabricClient;
  close(): void;
}

export const GATEWAY_RELEASE_DEFAULTS = Object.freeze({ controllerTickMs: 1000 });

export async function startGatewayReleases(
  connection: NatsConnection,
  options: { controller: boolean; onAssigned?: AssignmentObserver; tickMs?: number },
): Promise<GatewayReleases> {
  const kv = await NatsVersionedKv.open(connection, RELEASES_BUCKET);
  const board = await ReleaseBoard.start(new RolloutStore(kv), systemClock);
  const evidence = new ShadowEvidence();
  const serving = new ServingEvidence();
  const deps = { budget: new ShadowBudget(), evidence, serving, clock: systemClock };
  let ticker: TimerHandle | undefined;
  if (options.controller) {
    const holder = newId('ctl');
    const controllers = new Map<string, RolloutController>();
    const ticking = new Set<string>();
    ticker = systemClock.setInterval(() => {
      for (const { plan, state } of board.rollouts()) {
        if (state.status !== 'running' || ticking.has(plan.id)) continue;
        let controller = controllers.get(plan.id);
        if (controller === undefined) {
          controller = new RolloutController({
            store: kv,
            planId: plan.id,
            holder,
            clock: systemClock,
            evidence: {
              evidence: async (p, s) =>
                combinedEvidence(evidence, serving, p.id, p.steps[s.stepIndex]?.name ?? ''),
            },
          });
          controllers.set(plan.id, controller);
        }
        ticking.add(plan.id);
        void controller
          .tick()
          .then((outcome) => (outcome === 'decided' ? board.refresh() : undefined))
          .catch(() => undefined)
          .finally(() => ticking.delete(plan.id));
      }
    }, options.tickMs ?? GATEWAY_RELEASE_DEFAULTS.controllerTickMs);
  }
  return {
    pin: (inner, caller) => withReleasePinning(inner, board, caller, options.onAssigned, deps),
    close() {
      ticker?.cancel();
      board.close();
    },
  };
}
