/**
 * Errors leave over HTTP in OpenAI's envelope, so the official clients surface them, with our
 * stable `code` and `retryable` added. Retryable capacity errors carry Retry-After.
 */
import type { FastifyReply } from 'fastify';
import { toVoxfleetError, type VoxfleetError } from '../core/index.js';
import type { Telemetry } from '../telemetry/index.js';

export interface HttpErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    retryable: boolean;
  };
}

export function httpErrorBody(err: VoxfleetError): HttpErrorBody {
  return {
    error: {
      message: err.message,
      type: err.httpStatus >= 500 ? 'server_error' : 'invalid_request_error',
      param: err.details.field ?? null,
      code: err.code,
      retryable: err.retryable,
    },
  };
}

/** Sends `thrown` as an error response and counts it by code. */
export function sendError(
  reply: FastifyReply,
  thrown: unknown,
  telemetry?: Telemetry,
): FastifyReply {
  const err = toVoxfleetError(thrown);
  telemetry?.errorReturned(err.code);
  if (
    err.httpStatus >= 500 &&
    err.retryable &&
    err.code !== 'INTERNAL' &&
    err.code !== 'ENGINE_FAILED'
  ) {
    // A refusal the fleet expects (full, no worker, residency): one line, no stack.
    reply.log.warn({ code: err.code, reason: err.message }, 'request refused');
  } else if (err.httpStatus >= 500) {
    // The fault itself (stack, cause) goes to the log under the request id, never to the client.
    reply.log.error({ err: err.cause ?? err, code: err.code }, 'request failed');
  }
  if (err.details.retryAfterMs !== undefined) {
    void reply.header(
      'retry-after',
      String(Math.max(1, Math.ceil(err.details.retryAfterMs / 1000))),
    );
  }
  return reply.code(err.httpStatus).type('application/json').send(httpErrorBody(err));
}
