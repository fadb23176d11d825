// Routing: regions, residency zones, health (circuit breakers) and the choice of region.
export { apiKeyDigest, loadFleetConfig, parseFleetConfig } from './fleet-config.js';
export type { FleetConfig, RegionSpec, TenantSpec, ZoneAccess } from './fleet-config.js';
export { distanceKm, planRegions } from './region-plan.js';
export type { Caller } from './region-plan.js';
export { BreakerBoard, CircuitBreaker, DEFAULT_BREAKER_POLICY } from './circuit-breaker.js';
export type { BreakerPolicy, BreakerState } from './circuit-breaker.js';
