/**
 * One place that knows how to reach a NATS server, so the CLI and tests need no NATS imports.
 * The client reconnects on its own for ever: a worker or gateway outlives a server restart.
 * Credentials come as `user`/`password` or inside the URL (`nats://user:pass@host:4222`); they
 * are passed to the client apart from the address and never appear in a message.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { VoxfleetError } from '../../core/index.js';

export interface NatsCredentials {
  readonly user: string;
  readonly password: string;
}

export async function connectToNats(
  url: string,
  name: string,
  credentials?: NatsCredentials,
): Promise<NatsConnection> {
  const { address, fromUrl } = splitCredentials(url);
  const auth = credentials ?? fromUrl;
  try {
    return await connect({
      servers: address,
      name,
      maxReconnectAttempts: -1,
      ...(auth !== undefined ? { user: auth.user, pass: auth.password } : {}),
    });
  } catch (err) {
    throw new VoxfleetError(
      'NOT_READY',
      `cannot reach NATS at ${address}`,
      { retryAfterMs: 1000 },
      { cause: err },
    );
  }
}

/** The URL without its credentials: what may be printed or logged. */
export function natsAddress(url: string): string {
  return splitCredentials(url).address;
}

function splitCredentials(url: string): { address: string; fromUrl?: NatsCredentials } {
  const match = /^([a-z]+:\/\/)([^@/]*)@(.*)$/i.exec(url);
  if (match === null) return { address: url };
  const [, scheme = '', userInfo = '', rest = ''] = match;
  const colon = userInfo.indexOf(':');
  const user = decodeURIComponent(colon < 0 ? userInfo : userInfo.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(userInfo.slice(colon + 1));
  return { address: `${scheme}${rest}`, fromUrl: { user, password } };
}

export type { NatsConnection };
