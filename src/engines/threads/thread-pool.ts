/**
 * A fixed set of worker threads, each one inference slot: one request at a time per thread.
 * A request goes to an idle thread, or waits in a FIFO inside the pool until one is idle. A thread
 * that dies (an uncaught error, an exit, a terminate) fails its request with ENGINE_FAILED and is
 * replaced; a thread that cannot load fails start-up (or, for a replacement, stays out, so a model
 * that no longer loads does not restart forever). `close()` fails waiting and running requests
 * with SHUTTING_DOWN and ends every thread.
 *
 * Threads are ended by asking (a 'close' message read after the request in hand), never by
 * `worker.terminate()`: node-addon-api aborts the whole process when a native call throws into a
 * terminating thread (nodejs/node-addon-api#975; sherpa-onnx-node is built without the define that
 * swallows it). Seen here twice: a pool whose start failed terminated the other thread while it,
 * too, was failing to build its recognizer; and a test that terminated a thread just after handing
 * it a decode, inside sherpa-onnx's `createStream` (the core shows `Napi::Error` thrown from
 * `ThrowAsJavaScriptException` there). Asking costs nothing: `terminate()` cannot interrupt a
 * native decode either, it waits for it to return.
 *
 * A native crash (SIGSEGV, abort) inside a thread still ends the whole process: threads isolate
 * JavaScript failures and scheduling, not memory.
 */
import type { Worker } from 'node:worker_threads';
import { invalidArgument, VoxfleetError } from '../../core/index.js';
import {
  isThreadReply,
  type ThreadCloseMessage,
  type ThreadRequestMessage,
} from './thread-protocol.js';

export interface ThreadPoolOptions {
  /** Threads to run; each serves one request at a time. */
  readonly size: number;
  /** Starts thread number `index` (at start-up, and again to replace one that died). */
  readonly spawn: (index: number) => Worker;
  /** What a thread is, for error messages: 'whisper inference thread'. */
  readonly label: string;
}

/**
 * One thread's life: 'starting' until it reports ready; 'idle' or 'busy' while it serves; 'dead'
 * once it exited or failed to load; 'closed' after `close()`.
 */
export type ThreadState = 'starting' | 'idle' | 'busy' | 'dead' | 'closed';

export interface ThreadPoolStats {
  /** Threads the pool was started with. */
  readonly threads: number;
  /** Threads serving now (idle or busy); fewer than `threads` while a replacement loads. */
  readonly serving: number;
  readonly busy: number;
  /** Requests waiting for an idle thread. */
  readonly queued: number;
  /** Threads replaced after dying, since start. */
  readonly restarts: number;
}

interface Job<Req, Res> {
  readonly id: number;
  readonly request: Req;
  readonly transfer: readonly ArrayBuffer[];
  readonly resolve: (result: Res) => void;
  readonly reject: (err: Error) => void;
}

interface Slot<Req, Res> {
  readonly index: number;
  readonly worker: Worker;
  state: ThreadState;
  job: Job<Req, Res> | undefined;
  /** Settles when the thread reports ready, or fails to. */
  readonly started: Promise<void>;
  /** Resolves when the thread has exited. */
  readonly exited: Promise<void>;
  readonly markStarted: () => void;
  readonly failStart: (err: Error) => void;
}

export class ThreadPool<Req, Res> {
  private readonly slots: Slot<Req, Res>[] = [];
  private readonly queue: Job<Req, Res>[] = [];
  private nextId = 0;
  private restarts = 0;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: ThreadPoolOptions) {}

  /** Starts every thread and resolves once all are ready; rejects (and ends them) if one fails. */
  static async start<Req, Res>(options: ThreadPoolOptions): Promise<ThreadPool<Req, Res>> {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw invalidArgument('threads', 'must be an integer >= 1', options.size);
    }
    const pool = new ThreadPool<Req, Res>(options);
    try {
      for (let i = 0; i < options.size; i++) pool.slots.push(pool.spawnSlot(i));
      await Promise.all(pool.slots.map((slot) => slot.started));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Requests that run at once: one per thread. */
  get size(): number {
    return this.options.size;
  }

  get stats(): ThreadPoolStats {
    const count = (...states: ThreadState[]): number =>
      this.slots.filter((s) => states.includes(s.state)).length;
    return {
      threads: this.options.size,
      serving: count('idle', 'busy'),
      busy: count('busy'),
      queued: this.queue.length,
      restarts: this.restarts,
    };
  }

  /**
   * Runs `request` on the next idle thread. The buffers in `transfer` move to that thread when
   * the request is sent (they are detached here from then on), not when it is queued.
   */
  run(request: Req, transfer: readonly ArrayBuffer[] = []): Promise<Res> {
    if (this.closing !== undefined) return Promise.reject(this.closedError());
    if (!this.hasLiveThread()) return Promise.reject(this.noThreadError());
    return new Promise<Res>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, request, transfer, resolve, reject });
      this.pump();
    });
  }

  /** Where thread `index` is in its life; undefined for an index the pool does not have. */
  stateOf(index: number): ThreadState | undefined {
    return this.slots[index]?.state;
  }

  /**
   * Ends thread `index` as a crash would (`worker.terminate()`): its request, if any, fails with
   * ENGINE_FAILED and a new thread replaces it. For tests only, and only while the thread runs no
   * native code (idle, or busy in plain JavaScript): a terminate that lands inside a native call
   * can abort the process (see the module comment). Resolves once the old thread has exited; the
   * replacement may still be loading.
   */
  async terminateThread(index: number): Promise<void> {
    const slot = this.slots[index];
    if (slot === undefined || this.closing !== undefined) return;
    await slot.worker.terminate();
  }

  /** Fails waiting and running requests with SHUTTING_DOWN and ends every thread. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const error = this.closedError();
    for (const job of this.queue.splice(0)) job.reject(error);
    const exits = this.slots.map(async (slot) => {
      const job = slot.job;
      slot.job = undefined;
      job?.reject(error);
      if (slot.state === 'starting') slot.failStart(error);
      const live = slot.state !== 'dead';
      slot.state = 'closed';
      if (live) this.askToExit(slot);
      await slot.exited;
    });
    await Promise.all(exits);
  }

  private spawnSlot(index: number): Slot<Req, Res> {
    const worker = this.options.spawn(index);
    let markStarted: () => void = () => undefined;
    let failStart: (err: Error) => void = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      markStarted = resolve;
      failStart = reject;
    });
    // Awaited by start() or watched by replace(); never an unhandled rejection.
    started.catch(() => undefined);
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const slot: Slot<Req, Res> = {
      index,
      worker,
      state: 'starting',
      job: undefined,
      started,
      exited,
      markStarted,
      failStart,
    };
    worker.on('message', (message: unknown) => this.onMessage(slot, message));
    worker.on('error', (err: unknown) =>
      this.onThreadGone(slot, `failed: ${err instanceof Error ? err.message : String(err)}`),
    );
    worker.on('exit', (code: number) => this.onThreadGone(slot, `exited (code ${code})`));
    return slot;
  }

  private onMessage(slot: Slot<Req, Res>, message: unknown): void {
    if (!isThreadReply(message) || slot.state === 'dead' || slot.state === 'closed') return;
    switch (message.type) {
      case 'ready':
        if (slot.state !== 'starting') return;
        slot.state = 'idle';
        slot.markStarted();
        this.pump();
        return;
      case 'init-failed':
        this.onThreadGone(slot, `could not load: ${message.message}`);
        return;
      case 'result':
      case 'failed': {
        const job = slot.job;
        if (job === undefined || job.id !== message.id) return;
        slot.job = undefined;
        slot.state = 'idle';
        if (message.type === 'result') job.resolve(message.result as Res);
        else job.reject(this.engineError(slot, message.message));
        this.pump();
        return;
      }
    }
  }

  /** The thread exited, threw, or could not load. Idempotent: 'error' is followed by 'exit'. */
  private onThreadGone(slot: Slot<Req, Res>, why: string): void {
    if (slot.state === 'dead' || slot.state === 'closed') return;
    const wasStarting = slot.state === 'starting';
    slot.state = 'dead';
    const error = this.engineError(slot, why);
    const job = slot.job;
    slot.job = undefined;
    job?.reject(error);
    if (wasStarting) {
      slot.failStart(error);
      // A thread that could not load exits by itself; one that threw is exiting already.
      return;
    }
    this.replace(slot.index);
  }

  private replace(index: number): void {
    this.restarts++;
    let slot: Slot<Req, Res>;
    try {
      slot = this.spawnSlot(index);
    } catch {
      this.failQueueIfNoThread();
      return;
    }
    this.slots[index] = slot;
    slot.started.catch(() => this.failQueueIfNoThread());
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.state === 'idle');
      const job = this.queue.shift();
      if (slot === undefined || job === undefined) {
        if (job !== undefined) this.queue.unshift(job);
        return;
      }
      this.dispatch(slot, job);
    }
  }

  private dispatch(slot: Slot<Req, Res>, job: Job<Req, Res>): void {
    const message: ThreadRequestMessage<Req> = {
      type: 'request',
      id: job.id,
      request: job.request,
    };
    try {
      slot.worker.postMessage(message, [...job.transfer]);
    } catch (err) {
      // The request could not be cloned; the thread never saw it and stays idle.
      job.reject(this.engineError(slot, `request not sent: ${(err as Error).message}`));
      return;
    }
    slot.state = 'busy';
    slot.job = job;
  }

  /** The thread exits once its request in hand (or its load) is done; a gone one ignores it. */
  private askToExit(slot: Slot<Req, Res>): void {
    const message: ThreadCloseMessage = { type: 'close' };
    slot.worker.postMessage(message);
  }

  private hasLiveThread(): boolean {
    return this.slots.some(
      (s) => s.state === 'starting' || s.state === 'idle' || s.state === 'busy',
    );
  }

  private failQueueIfNoThread(): void {
    if (this.hasLiveThread() || this.closing !== undefined) return;
    const error = this.noThreadError();
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  private engineError(slot: Slot<Req, Res>, why: string): VoxfleetError {
    return new VoxfleetError('ENGINE_FAILED', `${this.options.label} ${slot.index} ${why}`);
  }

  private noThreadError(): VoxfleetError {
    return new VoxfleetError(
      'ENGINE_FAILED',
      `no ${this.options.label} is running (every replacement failed to load)`,
    );
  }

  private closedError(): VoxfleetError {
    return new VoxfleetError('SHUTTING_DOWN', `the ${this.options.label}s are closed`);
  }
}
