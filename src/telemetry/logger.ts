/**
 * Logging policy: structured JSON (pino, through fastify), identifiers only. Request bodies,
 * transcripts and audio are never logged; headers that carry credentials are redacted, and
 * query strings are dropped from logged URLs (they may carry keys or text).
 */
export interface LoggerOptions {
  readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Where log lines go; defaults to stdout. Tests pass a stream to inspect every line. */
  readonly stream?: NodeJS.WritableStream;
}

export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  // Anything else that logs a request's headers one level down: @fastify/multipart logs the
  // options it gives busboy, headers included, at trace (found by release privacy-check).
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers.cookie',
  '*.apiKey',
  '*.api_key',
  '*.text',
  '*.input',
  '*.prompt',
];

/** The options fastify passes to pino. */
export function buildLoggerConfig(options: LoggerOptions): Record<string, unknown> {
  return {
    level: options.level,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    serializers: {
      req(req: { method?: string; url?: string; id?: string }) {
        return { method: req.method, url: (req.url ?? '').split('?')[0], id: req.id };
      },
    },
    ...(options.stream !== undefined ? { stream: options.stream } : {}),
  };
}
