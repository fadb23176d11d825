/**
 * The one error catalogue. Every error that crosses a boundary (HTTP, WebSocket, fabric, CLI)
 * is a VoxfleetError with a stable `code`; transports map the code to a status through this table.
 * docs/errors.md documents every code, and a test keeps the two in sync both ways.
 */

export interface ErrorSpec {
  /** HTTP status for REST responses. */
  readonly httpStatus: number;
  /** WebSocket close code (4000 + HTTP status, in the application range). */
  readonly wsCloseCode: number;
  /** Whether the same request may succeed if retried later unchanged. */
  readonly retryable: boolean;
}

const spec = (httpStatus: number, retryable = false): ErrorSpec =>
  Object.freeze({ httpStatus, wsCloseCode: 4000 + httpStatus, retryable });

export const ERROR_CATALOG = Object.freeze({
  // Request shape
  INVALID_ARGUMENT: spec(400),
  UNSUPPORTED_RESPONSE_FORMAT: spec(400),
  NOT_FOUND: spec(404),
  // No API key, or one no tenant holds (only when the fleet file lists tenants).
  UNAUTHENTICATED: spec(401),
  PROTOCOL_VIOLATION: spec(400),
  // Audio input
  AUDIO_EMPTY: spec(400),
  AUDIO_NOT_AUDIO: spec(415),
  AUDIO_TRUNCATED: spec(400),
  AUDIO_UNSUPPORTED_ENCODING: spec(415),
  AUDIO_SAMPLE_RATE_MISMATCH: spec(400),
  AUDIO_TOO_LONG: spec(413),
  AUDIO_TOO_MANY_CHANNELS: spec(400),
  AUDIO_FRAME_MISALIGNED: spec(400),
  UPLOAD_TOO_LARGE: spec(413),
  // Text input (TTS)
  TEXT_EMPTY: spec(400),
  TEXT_TOO_LONG: spec(413),
  // Models
  MODEL_NOT_FOUND: spec(404),
  MODEL_NOT_INSTALLED: spec(404),
  MODEL_CAPABILITY_UNSUPPORTED: spec(400),
  MODEL_HASH_MISMATCH: spec(500),
  MODEL_DOWNLOAD_FAILED: spec(502, true),
  MODEL_MANIFEST_INVALID: spec(500),
  // Publishing other content under a name@version the registry already holds.
  VERSION_IMMUTABLE: spec(409),
  // Sessions and capacity
  SESSION_IDLE_TIMEOUT: spec(408),
  OVER_CAPACITY: spec(503, true),
  NOT_READY: spec(503, true),
  SHUTTING_DOWN: spec(503, true),
  // A worker stopped answering mid-call (missed heartbeats, gone from the fabric).
  WORKER_LOST: spec(503, true),
  CANCELLED: spec(499),
  // A caller's own deadline passed (`voxfleet eval --timeout-s`); the request was aborted.
  REQUEST_TIMEOUT: spec(504, true),
  // Placement
  RESIDENCY_UNAVAILABLE: spec(503, true),
  // Faults
  ENGINE_FAILED: spec(500, true),
  INTERNAL: spec(500, true),
});

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ErrorDetails {
  /** The request field that broke a rule, when there is one. */
  readonly field?: string;
  /** How long a client should wait before retrying, for retryable capacity errors. */
  readonly retryAfterMs?: number;
}

/** The wire shape of an error, identical on every transport. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly retryable: boolean;
  readonly field?: string;
  readonly retry_after_ms?: number;
}

export class VoxfleetError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'VoxfleetError';
    this.code = code;
    this.details = details;
  }

  get retryable(): boolean {
    return ERROR_CATALOG[this.code].retryable;
  }

  get httpStatus(): number {
    return ERROR_CATALOG[this.code].httpStatus;
  }

  get wsCloseCode(): number {
    return ERROR_CATALOG[this.code].wsCloseCode;
  }

  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.details.field !== undefined ? { field: this.details.field } : {}),
      ...(this.details.retryAfterMs !== undefined
        ? { retry_after_ms: this.details.retryAfterMs }
        : {}),
    };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOG, value);
}

/** Rebuilds an error received over a transport; unknown codes become INTERNAL. */
export function errorFromWire(wire: {
  code?: unknown;
  message?: unknown;
  field?: unknown;
  /** REST's OpenAI-shaped envelope names the field `param`. */
  param?: unknown;
  retry_after_ms?: unknown;
}): VoxfleetError {
  const code = isErrorCode(wire.code) ? wire.code : 'INTERNAL';
  const message = typeof wire.message === 'string' ? wire.message : 'unknown error';
  const field = typeof wire.field === 'string' ? wire.field : wire.param;
  return new VoxfleetError(code, message, {
    ...(typeof field === 'string' ? { field } : {}),
    ...(typeof wire.retry_after_ms === 'number' ? { retryAfterMs: wire.retry_after_ms } : {}),
  });
}

/** Anything thrown becomes a VoxfleetError; unexpected faults are INTERNAL and keep their cause. */
export function toVoxfleetError(err: unknown): VoxfleetError {
  if (err instanceof VoxfleetError) return err;
  if (err instanceof Error && err.name === 'AbortError')
    return new VoxfleetError('CANCELLED', 'request cancelled', {}, { cause: err });
  return new VoxfleetError('INTERNAL', 'internal error', {}, { cause: err });
}

/** Shorthand for the most common rule violation, naming the field and the rule. */
export function invalidArgument(field: string, rule: string, got?: unknown): VoxfleetError {
  const suffix = got === undefined ? '' : ` (got ${formatGot(got)})`;
  return new VoxfleetError('INVALID_ARGUMENT', `'${field}' ${rule}${suffix}`, { field });
}

function formatGot(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
