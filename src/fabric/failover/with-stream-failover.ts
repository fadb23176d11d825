/**
 * A FabricClient decorator: streams opened through it fail over to another worker when theirs
 * is lost (failover-stream.ts). Files and speech pass through: they are retried by the client,
 * which still holds the whole request.
 */
import { systemClock, type Clock } from '../../core/index.js';
import type { FabricClient } from '../contract.js';
import { DEFAULT_FAILOVER_POLICY, type FailoverPolicy } from './failover-policy.js';
import { FailoverStream, type FailoverObserver } from './failover-stream.js';

export function withStreamFailover(
  inner: FabricClient,
  options: { policy?: FailoverPolicy; observer?: FailoverObserver; clock?: Clock } = {},
): FabricClient {
  const policy = options.policy ?? DEFAULT_FAILOVER_POLICY;
  const clock = options.clock ?? systemClock;
  return {
    workers: () => inner.workers(),
    models: () => inner.models(),
    transcribe: (...args) => inner.transcribe(...args),
    synthesize: (...args) => inner.synthesize(...args),
    openStream: (request, onEvent) =>
      FailoverStream.open(inner, request, onEvent, policy, options.observer, clock),
    close: () => inner.close(),
  };
}
