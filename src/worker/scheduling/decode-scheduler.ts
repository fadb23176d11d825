/**
 * Shares the inference slots (one decode per slot; sherpa-onnx Whisper decodes one stream per
 * call, see docs/benchmarks.md) between the worker's kinds of work. When a slot frees it goes to,
 * in order:
 *
 *   1. streaming finals (real time, never dropped, first come first served);
 *   2. first partials of an utterance (what makes a caption appear at all);
 *   3. speech synthesis (a person is waiting for audio);
 *   4. file (batch) decodes, but never more than `batchSlots` at once, so live streams always
 *      keep the other slots: batch work can wait behind real time, never the reverse;
 *   5. refresh partials, stalest first, on at most `slots - 1` slots when there are two or more:
 *      a decode cannot be interrupted, so a slot always kept from refresh partials is what lets
 *      a final start at once instead of waiting out a running re-decode;
 *   6. background partials (a shadow stream's, which nobody reads), within the batch share:
 *      counted with file work, so batch and shadow work together never hold more than
 *      `batchSlots`, and a real-time final never waits for a shadow re-decode on the slots kept
 *      for real time.
 *
 * Partials are optional: each session has at most one pending offer, a newer offer replaces it
 * (keeping the original offer time, so staleness accumulates and the stalest session goes
 * first), and a final withdraws it. Under load partial freshness degrades while finals keep
 * their latency. Every decode is recorded in the LoadLedger for admission control.
 */
import { VoxfleetError, type Clock } from '../../core/index.js';
import { LoadLedger, type WorkClass } from './load-ledger.js';

/** Work that is queued and always runs (unless cancelled). */
export type QueuedClass = 'final' | 'speech' | 'file';

/** Where an optional partial decode ranks: see the order above. */
export type PartialRank = 'first' | 'refresh' | 'background';

export interface DecodeSchedulerOptions {
  /** Decodes running at once: the inference slots. */
  readonly slots: number;
  /** Most slots file (batch) work may hold at once; at least 1, at most `slots`. */
  readonly batchSlots: number;
  /** Speech or file decodes waiting at most, each; beyond that OVER_CAPACITY. */
  readonly maxQueued: number;
  readonly clock: Clock;
  /** Told of every decode, for metrics. */
  readonly onDecode?: (cls: WorkClass, waitMs: number, runMs: number) => void;
}

interface Job {
  readonly cls: WorkClass;
  readonly queuedMs: number;
  /** Starts the job; the scheduler has already taken the slot. */
  readonly start: () => void;
}

interface PartialOffer extends Job {
  readonly owner: object;
  readonly drop: () => void;
}

export interface SchedulerStats {
  readonly slots: number;
  readonly running: number;
  readonly runningBatch: number;
  readonly queued: number;
  readonly pendingPartials: number;
}

export class DecodeScheduler {
  readonly ledger: LoadLedger;
  private running = 0;
  private runningBatch = 0;
  private runningRefresh = 0;
  private readonly queues: Record<QueuedClass, Job[]> = { final: [], speech: [], file: [] };
  private readonly offers = new Map<object, PartialOffer>();

  constructor(private readonly options: DecodeSchedulerOptions) {
    if (!(Number.isInteger(options.slots) && options.slots >= 1))
      throw new RangeError(`slots must be an integer >= 1 (got ${options.slots})`);
    this.ledger = new LoadLedger(options.clock);
  }

  get stats(): SchedulerStats {
    return {
      slots: this.options.slots,
      running: this.running,
      runningBatch: this.runningBatch,
      queued: this.queues.final.length + this.queues.speech.length + this.queues.file.length,
      pendingPartials: this.offers.size,
    };
  }

  get slots(): number {
    return this.options.slots;
  }

  /** Slots file work may hold at once. */
  get batchSlots(): number {
    return Math.min(this.options.slots, Math.max(1, Math.floor(this.options.batchSlots)));
  }

  /** Runs `task` in a slot, after the work ranked above it. */
  async run<T>(cls: QueuedClass, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const queue = this.queues[cls];
    if (cls !== 'final' && queue.length >= this.options.maxQueued) {
      throw new VoxfleetError('OVER_CAPACITY', `the ${cls} decode queue is full`, {
        retryAfterMs: 1000,
      });
    }
    const queuedMs = this.options.clock.now();
    await new Promise<void>((resolve, reject) => {
      const job: Job = {
        cls,
        queuedMs,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const i = queue.indexOf(job);
        if (i >= 0) queue.splice(i, 1);
        reject(new VoxfleetError('CANCELLED', 'request cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(job);
      this.dispatch();
    });
    return this.execute(cls, queuedMs, task);
  }

  /**
   * Offers an optional partial decode for `owner` (a session). Resolves with the task's result,
   * or undefined if the offer was replaced by a newer one or withdrawn. `task` runs when the
   * slot is granted, so it should read the newest audio then, not when offered.
   */
  offerPartial<T>(
    owner: object,
    rank: PartialRank,
    task: () => Promise<T>,
  ): Promise<T | undefined> {
    const previous = this.offers.get(owner);
    const queuedMs = previous?.queuedMs ?? this.options.clock.now();
    previous?.drop();
    return new Promise<T | undefined>((resolve, reject) => {
      // A background partial is batch work: recorded, capped and counted as file work is.
      const cls: WorkClass =
        rank === 'background'
          ? 'file'
          : rank === 'first' || previous?.cls === 'first_partial'
            ? 'first_partial'
            : 'partial';
      const offer: PartialOffer = {
        cls,
        owner,
        queuedMs,
        start: () => {
          this.execute(cls, queuedMs, task).then(resolve, reject);
        },
        drop: () => resolve(undefined),
      };
      this.offers.set(owner, offer);
      this.dispatch();
    });
  }

  /** Drops `owner`'s pending partial offer, if any (its promise resolves undefined). */
  withdrawPartial(owner: object): void {
    const offer = this.offers.get(owner);
    if (offer === undefined) return;
    this.offers.delete(owner);
    offer.drop();
  }

  private async execute<T>(cls: WorkClass, queuedMs: number, task: () => Promise<T>): Promise<T> {
    // The slot was taken by dispatch(); it is given back here whatever happens.
    const startedMs = this.options.clock.now();
    try {
      return await task();
    } finally {
      const waitMs = startedMs - queuedMs;
      const runMs = this.options.clock.now() - startedMs;
      this.ledger.record(cls, waitMs, runMs);
      this.options.onDecode?.(cls, waitMs, runMs);
      this.running--;
      if (cls === 'file') this.runningBatch--;
      if (cls === 'partial') this.runningRefresh--;
      this.dispatch();
    }
  }

  /** Hands free slots to waiting work, highest rank first. */
  private dispatch(): void {
    while (this.running < this.options.slots) {
      const job = this.nextJob();
      if (job === undefined) return;
      this.running++;
      if (job.cls === 'file') this.runningBatch++;
      if (job.cls === 'partial') this.runningRefresh++;
      job.start();
    }
  }

  private nextJob(): Job | undefined {
    const q = this.queues;
    if (q.final.length > 0) return q.final.shift();
    const first = this.takeOffer('first_partial');
    if (first !== undefined) return first;
    if (q.speech.length > 0) return q.speech.shift();
    if (q.file.length > 0 && this.runningBatch < this.batchSlots) return q.file.shift();
    const refreshSlots = Math.max(1, this.options.slots - 1);
    const refresh = this.runningRefresh < refreshSlots ? this.takeOffer('partial') : undefined;
    if (refresh !== undefined) return refresh;
    return this.runningBatch < this.batchSlots ? this.takeOffer('file') : undefined;
  }

  /** The oldest offer of `cls` (Map order is insertion order, but replaced offers keep age). */
  private takeOffer(cls: PartialOffer['cls']): PartialOffer | undefined {
    let best: PartialOffer | undefined;
    for (const o of this.offers.values()) {
      if (o.cls === cls && (best === undefined || o.queuedMs < best.queuedMs)) best = o;
    }
    if (best !== undefined) this.offers.delete(best.owner);
    return best;
  }
}
