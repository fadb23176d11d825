/**
 * Downloads one file over HTTP(S) as a stream of chunks: redirects followed, a response timeout
 * and an idle (stall) timeout through the injectable clock, the caller's AbortSignal honoured.
 * Failures are MODEL_DOWNLOAD_FAILED (retryable); an HTTP status travels in the error's cause as
 * `{ httpStatus }` so the retry policy can tell 404 from 503. Aborting is CANCELLED.
 */
import { VoxfleetError, type Clock, type TimerHandle } from '../core/index.js';

export interface HttpSourceConfig {
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
  readonly responseTimeoutMs: number;
  readonly idleTimeoutMs: number;
  /** Appended to failure messages (e.g. how to configure a mirror). */
  readonly hint?: string;
}

/** The URL as it may appear in messages: no credentials, no query (it may hold a token). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function* fetchChunks(
  url: string,
  config: HttpSourceConfig,
): AsyncGenerator<Uint8Array> {
  const shown = describeUrl(url);
  const hint = config.hint === undefined ? '' : `; ${config.hint}`;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  config.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: TimerHandle | undefined;
  let timedOut: string | undefined;
  const arm = (ms: number, what: string): void => {
    timer?.cancel();
    timer = config.clock.setTimeout(() => {
      timedOut = `${what} within ${ms} ms`;
      controller.abort();
    }, ms);
  };
  const failure = (err: unknown): VoxfleetError => {
    if (config.signal?.aborted === true)
      return new VoxfleetError('CANCELLED', `download of ${shown} was cancelled`);
    if (timedOut !== undefined)
      return new VoxfleetError('MODEL_DOWNLOAD_FAILED', `${shown}: ${timedOut}${hint}`);
    return new VoxfleetError(
      'MODEL_DOWNLOAD_FAILED',
      `${shown}: ${networkReason(err)}${hint}`,
      {},
      { cause: err },
    );
  };

  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    if (config.signal?.aborted === true) throw failure(undefined);
    arm(config.responseTimeoutMs, 'no response');
    let res: Response;
    try {
      res = await config.fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw failure(err);
    }
    if (!res.ok || res.body === null) {
      await res.body?.cancel().catch(() => {});
      throw new VoxfleetError(
        'MODEL_DOWNLOAD_FAILED',
        `${shown}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${hint}`,
        {},
        { cause: { httpStatus: res.status } },
      );
    }
    reader = res.body.getReader();
    for (;;) {
      arm(config.idleTimeoutMs, 'no data');
      const chunk = await reader.read().catch((err: unknown) => {
        throw failure(err);
      });
      if (chunk.done) return;
      yield chunk.value;
    }
  } finally {
    timer?.cancel();
    config.signal?.removeEventListener('abort', onAbort);
    // Stopped early (size mismatch, cancel): release the connection.
    await reader?.cancel().catch(() => {});
  }
}

/** A short reason for a fetch failure, e.g. `connect ECONNREFUSED` or `connection closed early`. */
function networkReason(err: unknown): string {
  if (!(err instanceof Error)) return 'network error';
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    if (code === 'UND_ERR_SOCKET') return 'connection closed before the file was complete';
    return typeof code === 'string'
      ? `${err.message} (${code})`
      : `${err.message} (${cause.message})`;
  }
  if (err.message === 'terminated') return 'connection closed before the file was complete';
  return err.message;
}
