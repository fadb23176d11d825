/**
 * Where `voxfleet release` reads and changes rollouts: the fleet's JetStream KV bucket over NATS
 * (`--nats`), or a server's admin API (`--server`, key in VOXFLEET_ADMIN_KEY), which is how an
 * embedded `voxfleet serve --releases` is driven. Both apply the same operations (`operate`,
 * `startRollout`); over HTTP the server applies them to its own store.
 */
import { VoxfleetError } from '../core/index.js';
import { callAdminApi } from '../client/index.js';
import { NatsVersionedKv, connectToNats } from '../fabric/index.js';
import {
  RELEASES_BUCKET,
  RolloutStore,
  operateRollout,
  startRollout,
  type OfflineEvidence,
  type OperatorAction,
  type ReleasePlan,
  type RolloutState,
  type StoredRollout,
} from '../release/index.js';

export interface ReleaseDesk {
  list(): Promise<StoredRollout[]>;
  read(id: string): Promise<StoredRollout | undefined>;
  start(plan: ReleasePlan, offline: OfflineEvidence | undefined): Promise<RolloutState>;
  /** The plan comes back with the state the action led to. */
  act(action: OperatorAction, id: string, reason: string): Promise<StoredRollout>;
}

export interface DeskPlace {
  readonly nats: string;
  readonly server?: string;
  readonly actor: string;
}

/** Opens the desk `place` names, runs `use` at it, and closes what was opened. */
export async function atReleaseDesk<T>(
  place: DeskPlace,
  use: (desk: ReleaseDesk) => Promise<T>,
): Promise<T> {
  if (place.server !== undefined) return use(adminApiDesk(place.server, place.actor));
  const connection = await connectToNats(place.nats, 'voxfleet-release');
  try {
    const store = new RolloutStore(await NatsVersionedKv.open(connection, RELEASES_BUCKET));
    return await use(storeDesk(store, place.actor));
  } finally {
    await connection.close();
  }
}

function storeDesk(store: RolloutStore, actor: string): ReleaseDesk {
  return {
    list: () => store.list(),
    read: async (id) => (await store.read(id))?.rollout,
    start: (plan, offline) => startRollout(store, plan, Date.now(), actor, offline),
    act: (action, id, reason) => operateRollout(store, action, id, Date.now(), actor, reason),
  };
}

function adminApiDesk(server: string, actor: string): ReleaseDesk {
  const adminKey = process.env.VOXFLEET_ADMIN_KEY;
  if (adminKey === undefined || adminKey === '')
    throw new VoxfleetError(
      'UNAUTHENTICATED',
      '--server needs the admin key in VOXFLEET_ADMIN_KEY (never a flag: it would show in ps)',
    );
  const options = { adminKey, actor };
  const path = (id: string): string => `/v1/admin/releases/${encodeURIComponent(id)}`;
  const desk: ReleaseDesk = {
    async list() {
      const body = (await callAdminApi(server, 'GET', '/v1/admin/releases', options)) as {
        rollouts: StoredRollout[];
      };
      return body.rollouts;
    },
    async read(id) {
      try {
        return (await callAdminApi(server, 'GET', path(id), options)) as StoredRollout;
      } catch (err) {
        if (err instanceof VoxfleetError && err.code === 'NOT_FOUND') return undefined;
        throw err;
      }
    },
    async start(plan, offline) {
      const body = (await callAdminApi(server, 'POST', '/v1/admin/releases', options, {
        plan,
        ...(offline !== undefined ? { offline } : {}),
      })) as { state: RolloutState };
      return body.state;
    },
    async act(action, id, reason) {
      return (await callAdminApi(server, 'POST', `${path(id)}/${action}`, options, {
        reason,
      })) as StoredRollout;
    },
  };
  return desk;
}
