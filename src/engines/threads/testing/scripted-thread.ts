/**
 * A thread entry for ThreadPool's tests: every behaviour a real inference thread can show
 * (answer, fail one request, crash, exit, block until released, fail to load), on request and
 * without a model. Not shipped (tsconfig.build.json leaves out testing/).
 */
import { parentPort, threadId } from 'node:worker_threads';
import { serveThread } from '../serve-thread.js';

export type ScriptedRequest =
  | { readonly op: 'echo'; readonly value: string }
  /** Sums the samples (which arrive transferred). */
  | { readonly op: 'sum'; readonly samples: Float32Array }
  /** Blocks the thread until `gate[0]` becomes non-zero (Atomics, no timers). */
  | { readonly op: 'hold'; readonly gate: Int32Array; readonly value: string }
  /** The handler throws: this request fails, the thread lives on. */
  | { readonly op: 'throw'; readonly message: string }
  /** An uncaught exception in the thread (worker 'error', then 'exit'). */
  | { readonly op: 'crash' }
  | { readonly op: 'exit'; readonly code: number }
  /** Answers asynchronously, after a few turns of the thread's event loop. */
  | { readonly op: 'later'; readonly value: string }
  /** The asynchronous handler rejects: this request fails, the thread lives on. */
  | { readonly op: 'reject'; readonly message: string };

export interface ScriptedResult {
  readonly threadId: number;
  readonly value?: string;
  readonly sum?: number;
}

export interface ScriptedThreadData {
  /** When set, loading fails with this message. */
  readonly failInit?: string;
  /** When set, loading blocks until `holdInit[0]` becomes non-zero (a slow model load). */
  readonly holdInit?: Int32Array;
  /** Load asynchronously (as ONNX Runtime sessions do), failing with `failInit` if set. */
  readonly asyncInit?: boolean;
}

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

// Registered before serveThread's listener: a 'crash' request stops there (no reply is sent)
// and its error is uncaught in the thread, which is what the pool sees of a real crash.
parentPort?.addEventListener('message', (event) => {
  const data = (event as MessageEvent).data as { request?: ScriptedRequest };
  if (data.request?.op !== 'crash') return;
  event.stopImmediatePropagation();
  throw new Error('scripted crash');
});

serveThread<ScriptedRequest, ScriptedResult>((workerData) => {
  const data = (workerData ?? {}) as ScriptedThreadData;
  const held = data.holdInit;
  while (held !== undefined && Atomics.load(held, 0) === 0) Atomics.wait(held, 0, 0);
  if (data.asyncInit === true) {
    return turns(3).then(() => {
      if (data.failInit !== undefined) throw new Error(data.failInit);
      return handle;
    });
  }
  if (data.failInit !== undefined) throw new Error(data.failInit);
  return handle;
});

function handle(request: ScriptedRequest): ScriptedAnswer | Promise<ScriptedAnswer> {
  switch (request.op) {
    case 'echo':
      return { result: { threadId, value: request.value } };
    case 'sum':
      return { result: { threadId, sum: request.samples.reduce((a, b) => a + b, 0) } };
    case 'hold':
      while (Atomics.load(request.gate, 0) === 0) Atomics.wait(request.gate, 0, 0);
      return { result: { threadId, value: request.value } };
    case 'throw':
      throw new Error(request.message);
    case 'crash':
      throw new Error('unreachable: the crash listener runs first');
    case 'exit':
      return process.exit(request.code);
    case 'later':
      return turns(3).then(() => ({ result: { threadId, value: request.value } }));
    case 'reject':
      return turns(1).then(() => {
        throw new Error(request.message);
      });
  }
}

interface ScriptedAnswer {
  readonly result: ScriptedResult;
}
