export { Telemetry } from './metrics.js';
export { REDACTED_PATHS, buildLoggerConfig } from './logger.js';
export type { LoggerOptions } from './logger.js';
