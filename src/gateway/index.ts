export { buildGateway } from './server.js';
export { callerReader, REGION_HEADER } from './callers.js';
export type { FabricForRequest } from './callers.js';
export type { GatewayConfig, GatewayDeps } from './server.js';
export { ENDPOINTING_MS } from './listen-protocol.js';
