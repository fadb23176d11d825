/**
 * One place that knows how to reach a NATS server, so the CLI and tests need no NATS imports.
 * The client reconnects on its own for ever: a worker or gateway outlives a server restart.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { VoxfleetError } from '../../core/index.js';

export async function connectToNats(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name, maxReconnectAttempts: -1 });
  } catch (err) {
    throw new VoxfleetError(
      'NOT_READY',
      `cannot reach NATS at ${url}`,
      { retryAfterMs: 1000 },
      {
        cause: err,
      },
    );
  }
}

export type { NatsConnection };
