export { buildGateway } from './server.js';
export { callerReader, REGION_HEADER } from './callers.js';
export type { FabricForRequest } from './callers.js';
export { RegionRouter } from './region-router.js';
export type { AuditEvent, AuditSink, RoutableFabric } from './region-router.js';
export type { GatewayConfig, GatewayDeps } from './server.js';
export { ENDPOINTING_MS } from './listen-protocol.js';
