export { InProcessFabric, pickWorkerOrder, readyModels } from './in-process.js';
export { withStreamFailover } from './failover/with-stream-failover.js';
export { DEFAULT_FAILOVER_POLICY } from './failover/failover-policy.js';
export type { FailoverPolicy } from './failover/failover-policy.js';
export type { FailoverObserver } from './failover/failover-stream.js';
export { connectToNats, natsAddress } from './nats/connection.js';
export type { NatsConnection, NatsCredentials } from './nats/connection.js';
export { RegionRouter } from './regions/region-router.js';
export type { AuditEvent, AuditSink } from './regions/region-router.js';
export { apiKeyDigest, loadFleetConfig, parseFleetConfig } from './regions/fleet-config.js';
export type { FleetConfig, RegionSpec, TenantSpec } from './regions/fleet-config.js';
export type { Caller } from './regions/region-plan.js';
export { DEFAULT_BREAKER_POLICY } from './regions/circuit-breaker.js';
export type { BreakerPolicy } from './regions/circuit-breaker.js';
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
