/**
 * Discovery through a JetStream KV bucket: each worker keeps its announcement (status, region,
 * zone, heartbeat period) under its own key and rewrites it every heartbeat; gateways watch the
 * bucket. A late gateway gets every live worker at once from the bucket; a worker that drains
 * deletes its key; one that dies stops writing and gateways drop it after missed heartbeats
 * (worker-registry.ts). The bucket's max age only bounds how long a dead worker's last entry
 * lingers for gateways that start later.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { VoxfleetError } from '../../core/index.js';
import { DISCOVERY_BUCKET } from './subjects.js';

/** A dead worker's last announcement is removed by the server after this long. */
const ENTRY_MAX_AGE_MS = 60_000;

/** Creates the bucket, or binds to it when another process already did (same options). */
export async function openDiscoveryBucket(connection: NatsConnection): Promise<KV> {
  try {
    return await new Kvm(connection).create(DISCOVERY_BUCKET, {
      history: 1,
      ttl: ENTRY_MAX_AGE_MS,
    });
  } catch (err) {
    const hint =
      err instanceof Error && err.name === 'JetStreamNotEnabled'
        ? 'JetStream is not enabled on the NATS server (start it with -js)'
        : 'the discovery bucket cannot be opened on the NATS server';
    throw new VoxfleetError('NOT_READY', hint, { retryAfterMs: 1000 }, { cause: err });
  }
}
