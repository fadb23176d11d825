/**
 * The thread side of a `ThreadPool`: loads once, then answers requests one at a time. The thread
 * is the inference slot, so a native call that blocks it blocks nothing else. A handler may be
 * asynchronous (ONNX Runtime's Node binding wraps its blocking run in a promise): requests still
 * run one after another, and a close waits for the one in hand.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { isThreadClose, isThreadRequest, type ThreadReplyMessage } from './thread-protocol.js';

export interface ThreadAnswer<Res> {
  readonly result: Res;
  /** Buffers inside `result` to move rather than copy back to the pool. */
  readonly transfer?: readonly ArrayBuffer[];
}

/** Answers one request; a throw (or rejection) fails that request only. */
export type ThreadHandler<Req, Res> = (
  request: Req,
) => ThreadAnswer<Res> | Promise<ThreadAnswer<Res>>;

/**
 * Runs `init(workerData)` (loading models, synchronously: nothing else is waiting on this
 * thread), reports 'ready' or 'init-failed', then serves requests until the pool asks it to close
 * (it finishes the request in hand first) or terminates it. A close that arrives
 * while `init` runs is read once it is done. Call it from a thread entry module; it throws on the
 * main thread.
 */
export function serveThread<Req, Res>(
  init: (data: unknown) => ThreadHandler<Req, Res> | Promise<ThreadHandler<Req, Res>>,
): void {
  const port = parentPort;
  if (isMainThread || port === null) {
    throw new Error('serveThread() runs inside a worker thread started by a ThreadPool');
  }
  const reply = (message: ThreadReplyMessage<Res>, transfer?: readonly ArrayBuffer[]): void =>
    port.postMessage(message, transfer === undefined ? undefined : [...transfer]);

  const serve = (handle: ThreadHandler<Req, Res>): void => {
    // Requests and the close run in arrival order, each after the one before has finished.
    let queue: Promise<void> = Promise.resolve();
    port.on('message', (message: unknown) => {
      if (isThreadClose(message)) {
        // Nothing else keeps the thread alive: it exits with code 0 once the port is closed.
        queue = queue.then(() => port.close());
        return;
      }
      if (!isThreadRequest(message)) return;
      queue = queue.then(async () => {
        let answer: ThreadAnswer<Res>;
        try {
          answer = await handle(message.request as Req);
        } catch (err) {
          reply({ type: 'failed', id: message.id, message: messageOf(err) });
          return;
        }
        reply({ type: 'result', id: message.id, result: answer.result }, answer.transfer);
      });
    });
    reply({ type: 'ready' });
  };
  const failInit = (err: unknown): void => {
    reply({ type: 'init-failed', message: messageOf(err) });
    // Nothing else keeps the thread alive: closing the port lets it exit.
    port.close();
  };

  // Messages that arrive while init runs wait in the port until serve() listens.
  let loaded: ThreadHandler<Req, Res> | Promise<ThreadHandler<Req, Res>>;
  try {
    loaded = init(workerData);
  } catch (err) {
    failInit(err);
    return;
  }
  if (loaded instanceof Promise) loaded.then(serve, failInit);
  else serve(loaded);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
