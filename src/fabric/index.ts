export { InProcessFabric, pickWorkerOrder, readyModels } from './in-process.js';
export { withStreamFailover } from './failover/with-stream-failover.js';
export { DEFAULT_FAILOVER_POLICY } from './failover/failover-policy.js';
export type { FailoverPolicy } from './failover/failover-policy.js';
export type { FailoverObserver } from './failover/failover-stream.js';
export { connectToNats, natsAddress } from './nats/connection.js';
export type { NatsConnection, NatsCredentials } from './nats/connection.js';
export { ALWAYS_HEALTHY } from './nats/call-health.js';
export { NatsVersionedKv } from './nats/versioned-kv.js';
export type { Versioned } from './nats/versioned-kv.js';
export type { CallHealth } from './nats/call-health.js';
export { NatsFabric, NATS_FABRIC_DEFAULTS } from './nats/nats-fabric.js';
export type { CallRoute, NatsFabricOptions } from './nats/nats-fabric.js';
export { NatsWorkerHost, WORKER_HOST_DEFAULTS } from './nats/worker-host.js';
export type { NatsWorkerHostOptions, WorkerHostState } from './nats/worker-host.js';
export type {
  FabricClient,
  StreamChannel,
  SynthesisStream,
  TranscribeCallOptions,
  WorkerEndpoint,
  WorkerState,
  WorkerStatus,
} from './contract.js';
