/**
 * Discovery through JetStream KV: one bucket per region (`voxfleet-workers-<region>`), created
 * by that region's workers, so it lives in the region's own NATS cluster (JetStream places a
 * stream in the cluster of the client that creates it). Losing or cutting off one region never
 * takes discovery away from the others. Each worker keeps its announcement (status, region,
 * zone, heartbeat period) under its own key and rewrites it every heartbeat; gateways watch the
 * buckets of the regions they route to. A late gateway gets every live worker at once from the
 * bucket; a worker that drains deletes its key; one that dies stops writing and gateways drop
 * it after missed heartbeats (worker-registry.ts). The bucket's max age only bounds how long a
 * dead worker's last entry lingers for gateways that start later.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { VoxfleetError } from '../../core/index.js';
import { discoveryBucket } from './subjects.js';

/** A dead worker's last announcement is removed by the server after this long. */
const ENTRY_MAX_AGE_MS = 60_000;

/** Creates the region's bucket, or binds to it when another worker already did (same options). */
export async function openDiscoveryBucket(connection: NatsConnection, region: string): Promise<KV> {
  try {
    return await new Kvm(connection).create(discoveryBucket(region), {
      history: 1,
      ttl: ENTRY_MAX_AGE_MS,
    });
  } catch (err) {
    throw notReady(err);
  }
}

/**
 * Binds to a region's bucket without creating it: a gateway must not create another region's
 * bucket, which would then live in the gateway's cluster. Fails while no worker of the region
 * has started yet; the caller tries again.
 */
export async function bindDiscoveryBucket(connection: NatsConnection, region: string): Promise<KV> {
  return new Kvm(connection).open(discoveryBucket(region));
}

/** Fails fast with a fix-it message when the server has no JetStream. */
export async function assertJetStream(connection: NatsConnection): Promise<void> {
  try {
    await jetstreamManager(connection, { checkAPI: true });
  } catch (err) {
    throw notReady(err);
  }
}

function notReady(err: unknown): VoxfleetError {
  const hint =
    err instanceof Error && err.name === 'JetStreamNotEnabled'
      ? 'JetStream is not enabled on the NATS server (start it with -js)'
      : 'the discovery bucket cannot be opened on the NATS server';
  return new VoxfleetError('NOT_READY', hint, { retryAfterMs: 1000 }, { cause: err });
}
