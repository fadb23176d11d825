export { Telemetry } from './metrics.js';
export { REDACTED_PATHS, buildLoggerConfig } from './logger.js';
export type { LoggerOptions } from './logger.js';
export { MetricsHistory } from './metrics-history.js';
export type { MetricsHistoryOptions } from './metrics-history.js';
export type { MetricsSnapshot } from './metrics-snapshot.js';
export { deriveFleetSeries } from './fleet-series.js';
export type { FleetPoint, FleetSeries, LatencyPercentiles } from './fleet-series.js';
