/**
 * Shares the inference slots (one decode per core; sherpa-onnx whisper decodes one stream per
 * call, see MODELS.md) between streaming finals, file segments and streaming partials, in that
 * order of priority. Partials are optional work: when every slot is busy and others wait, a
 * partial is skipped rather than queued, so partial freshness degrades before finals do.
 */
import { VoxfleetError } from '../core/index.js';

export type DecodePriority = 'final' | 'file' | 'partial';

const RANK: Record<DecodePriority, number> = { final: 0, file: 1, partial: 2 };

interface Waiter {
  readonly rank: number;
  readonly seq: number;
  readonly start: () => void;
  readonly fail: (err: unknown) => void;
}

export interface DecodeSchedulerOptions {
  /** Decodes running at once. */
  readonly concurrency: number;
  /** Decodes waiting at most; beyond that new file work is refused with OVER_CAPACITY. */
  readonly maxQueued: number;
}

export class DecodeScheduler {
  private running = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: DecodeSchedulerOptions) {}

  get stats(): { running: number; queued: number; concurrency: number } {
    return {
      running: this.running,
      queued: this.waiting.length,
      concurrency: this.options.concurrency,
    };
  }

  /** Runs `task` when a slot is free, ahead of lower-priority waiters. */
  async run<T>(priority: DecodePriority, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.running >= this.options.concurrency) {
      if (priority !== 'final' && this.waiting.length >= this.options.maxQueued) {
        throw new VoxfleetError('OVER_CAPACITY', 'decode queue is full', { retryAfterMs: 1000 });
      }
      await this.wait(RANK[priority], signal);
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.next();
    }
  }

  /** Runs optional work only if a slot is free now; otherwise returns undefined at once. */
  async tryRun<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this.running >= this.options.concurrency || this.waiting.length > 0) return undefined;
    return this.run('partial', task);
  }

  private wait(rank: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rank,
        seq: this.seq++,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: reject,
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new VoxfleetError('CANCELLED', 'request cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
      this.waiting.sort((a, b) => a.rank - b.rank || a.seq - b.seq);
    });
  }

  private next(): void {
    if (this.running >= this.options.concurrency) return;
    const waiter = this.waiting.shift();
    waiter?.start();
  }
}
