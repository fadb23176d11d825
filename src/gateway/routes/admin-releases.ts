/**
 * The release commands over HTTP, on a gateway that follows rollouts and was given an admin key
 * (`VOXFLEET_ADMIN_KEY`): the same operations as `voxfleet release`, on the same bucket, each
 * decision in the rollout's audit log as `admin:<actor>`.
 *
 *   GET  /v1/admin/releases                     every rollout: plan and state
 *   GET  /v1/admin/releases/:id                 one rollout, its audit log included
 *   POST /v1/admin/releases                     start a plan: the JSON a plan file holds, or
 *                                               { plan, offline } with the manifests' evidence
 *   POST /v1/admin/releases/:id/:action         pause | resume | promote | rollback
 *                                               body: { "reason"?: string }; answers the plan
 *                                               and the state it led to
 *
 * Who asked comes from the `x-voxfleet-actor` header (default `unknown`).
 *
 * The gateway reads no manifests: a plan gating on eval or privacy figures comes with the
 * figures `voxfleet release start --server` read where it ran (the admin key is trusted with
 * them as with the plan). The key is compared by sha256 in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VoxfleetError, invalidArgument, systemClock, type Clock } from '../../core/index.js';
import {
  OPERATOR_ACTIONS,
  operateRollout,
  parseOfflineEvidence,
  parsePlan,
  startRollout,
  type OfflineEvidence,
  type OperatorAction,
  type ReleasePlan,
  type RolloutStore,
} from '../../release/index.js';
import { sendError } from '../http-errors.js';

export interface AdminReleasesOptions {
  readonly store: RolloutStore;
  readonly adminKey: string;
  /** Called after a change, so this gateway's view of the rollouts is fresh at once. */
  readonly changed?: () => Promise<void>;
  readonly clock?: Clock;
}

const digest = (key: string): Buffer => createHash('sha256').update(key).digest();

export function registerAdminReleaseRoutes(
  app: FastifyInstance,
  options: AdminReleasesOptions,
): void {
  const expected = digest(options.adminKey);
  const clock = options.clock ?? systemClock;
  const authorised = (req: FastifyRequest): boolean => {
    const header = req.headers.authorization ?? '';
    const key = header.startsWith('Bearer ') ? header.slice(7) : '';
    return key !== '' && timingSafeEqual(digest(key), expected);
  };

  void app.register(async (admin) => {
    admin.addHook('preHandler', async (req, reply) => {
      if (!authorised(req))
        return sendError(
          reply,
          new VoxfleetError(
            'UNAUTHENTICATED',
            'the admin API needs the admin key as a Bearer token',
          ),
        );
    });

    admin.get('/v1/admin/releases', async () => ({ rollouts: await options.store.list() }));

    admin.get<{ Params: { id: string } }>('/v1/admin/releases/:id', async (req) => {
      const found = await options.store.read(req.params.id);
      if (found === undefined)
        throw new VoxfleetError('NOT_FOUND', `no rollout ${req.params.id}`, { field: 'id' });
      return found.rollout;
    });

    admin.post('/v1/admin/releases', async (req, reply) => {
      const { plan, offline } = startRequestOf(req.body);
      const state = await startRollout(options.store, plan, clock.now(), actorOf(req), offline);
      await options.changed?.();
      return reply.code(201).send({ plan, state });
    });

    admin.post<{ Params: { id: string; action: string } }>(
      '/v1/admin/releases/:id/:action',
      async (req) => {
        const action = req.params.action as OperatorAction;
        if (!OPERATOR_ACTIONS.includes(action))
          throw invalidArgument('action', `must be one of ${OPERATOR_ACTIONS.join(', ')}`, action);
        const body = (req.body ?? {}) as { reason?: unknown };
        const reason = typeof body.reason === 'string' ? body.reason : `${action} by admin API`;
        const actor = actorOf(req);
        const now = clock.now();
        const rollout = await operateRollout(
          options.store,
          action,
          req.params.id,
          now,
          actor,
          reason,
        );
        await options.changed?.();
        return rollout;
      },
    );
  });
}

/** A plan alone, or `{ plan, offline }`: a plan always has `steps`, the wrapper never. */
function startRequestOf(body: unknown): { plan: ReleasePlan; offline?: OfflineEvidence } {
  const wrapped = typeof body === 'object' && body !== null && 'plan' in body && !('steps' in body);
  if (!wrapped) return { plan: parsePlan(body) };
  const { plan, offline, ...rest } = body as { plan: unknown; offline?: unknown };
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw invalidArgument(extra, 'is not a field of a start request');
  return {
    plan: parsePlan(plan),
    ...(offline !== undefined ? { offline: parseOfflineEvidence(offline) } : {}),
  };
}

function actorOf(req: FastifyRequest): string {
  const actor = req.headers['x-voxfleet-actor'];
  return `admin:${typeof actor === 'string' && actor !== '' ? actor.slice(0, 64) : 'unknown'}`;
}
