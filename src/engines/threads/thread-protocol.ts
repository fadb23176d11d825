/**
 * The messages between a `ThreadPool` (main thread) and a thread served by `serveThread`. Both
 * sides are ours, so the shapes are plain objects checked by `type` only; payloads travel by
 * structured clone, with their large buffers in the transfer list.
 */

/** Pool → thread: one request; the thread answers it with exactly one result or failure. */
export interface ThreadRequestMessage<Req> {
  readonly type: 'request';
  readonly id: number;
  readonly request: Req;
}

/**
 * Pool → thread: finish the request in hand, then exit. How the pool ends its threads: see the
 * comment on `ThreadPool.close()` for why not `worker.terminate()`.
 */
export interface ThreadCloseMessage {
  readonly type: 'close';
}

/** Thread → pool. */
export type ThreadReplyMessage<Res> =
  /** The thread has loaded what it needs and takes requests. */
  | { readonly type: 'ready' }
  /** The thread could not load; it exits after sending this. */
  | { readonly type: 'init-failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly result: Res }
  /** The request failed; the thread is still usable. */
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

export function isThreadReply(value: unknown): value is ThreadReplyMessage<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'init-failed' || type === 'result' || type === 'failed';
}

export function isThreadRequest(value: unknown): value is ThreadRequestMessage<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'request' &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}

export function isThreadClose(value: unknown): value is ThreadCloseMessage {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'close'
  );
}
