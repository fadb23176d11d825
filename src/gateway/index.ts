export { buildGateway } from './server.js';
export type { GatewayConfig, GatewayDeps } from './server.js';
export { ENDPOINTING_MS } from './listen-protocol.js';
