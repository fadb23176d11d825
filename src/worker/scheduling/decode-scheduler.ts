/**
 * Shares the inference slots (one decode per slot; sherpa-onnx Whisper decodes one stream per
 * call, see docs/benchmarks.md) between the worker's kinds of work. When a slot frees it goes to,
 * in order:
 *
 *   1. streaming finals (real time, never dropped, first come first served);
 *   2. first partials of an utterance (what makes a caption appear at all);
 *   3. speculative finals: an utterance decoded at a phrase end, before the endpointing silence
 *      says whether it ended there. Read speech pauses inside sentences, so many are never used;
 *      behind first partials, a guess never makes a caption wait. Confirmed (the utterance did
 *      end) before it started, it ranks as a final again, by the time it was queued;
 *   4. speech synthesis (a person is waiting for audio);
 *   5. file (batch) decodes, but never more than `batchSlots` at once, so live streams always
 *      keep the other slots: batch work can wait behind real time, never the reverse;
 *   6. refresh partials, stalest first. With `backgroundSlots` (an engine with low-priority
 *      threads), they run there, beside `slots`: a decode cannot be interrupted, but the OS
 *      preempts a nice-19 thread at once, so a re-decode never makes a final or a first partial
 *      wait, and refresh only takes CPU the required work leaves idle (under load, freshness
 *      thins out by itself). Without, on at most `slots - 1` of `slots` when there are two or
 *      more: a slot always kept from them is what lets a final start without waiting out one;
 *   7. background work (a shadow stream's finals, then its partials: nobody reads them), after
 *      refresh partials on the background slots; without them, batch work: within
 *      `batchSlots`, after file decodes.
 *
 * Partials are optional: each session has at most one pending offer, a newer offer replaces it
 * (keeping the original offer time, so staleness accumulates and the stalest session goes
 * first), and a final withdraws it. Under load partial freshness degrades while finals keep
 * their latency. Every decode is recorded in the LoadLedger for admission control.
 */
import { VoxfleetError, type Clock } from '../../core/index.js';
import { LoadLedger, type WorkClass } from './load-ledger.js';

/** Work that is queued and always runs (unless cancelled). */
export type QueuedClass = 'final' | 'speech' | 'file' | 'background';

/** Where an optional partial decode ranks: see the order above. */
export type PartialRank = 'first' | 'refresh' | 'background';

export interface DecodeSchedulerOptions {
  /** Decodes running at once: the inference slots. */
  readonly slots: number;
  /** Most slots file (batch) work may hold at once; at least 1, at most `slots`. */
  readonly batchSlots: number;
  /**
   * Slots for background work beside `slots` (the engine's low-priority threads); 0 or absent:
   * background work is batch work.
   */
  readonly backgroundSlots?: number;
  /** Speech or file decodes waiting at most, each; beyond that OVER_CAPACITY. */
  readonly maxQueued: number;
  readonly clock: Clock;
  /** Told of every decode, for metrics. */
  readonly onDecode?: (cls: WorkClass, waitMs: number, runMs: number) => void;
}

/** Which slots a running decode holds: a real-time one, a batch one (also within `slots`), or a background one beside them. */
export type Tier = 'realtime' | 'batch' | 'background';

interface Job {
  /** Changes once at most: a speculative final confirmed while it waits becomes a final. */
  cls: WorkClass;
  readonly queuedMs: number;
  /** Starts the job in `tier`; the scheduler has already taken the slot. */
  readonly start: (tier: Tier) => void;
}

interface PartialOffer extends Job {
  readonly owner: object;
  readonly drop: () => void;
}

/** A speculative final's decode; see `DecodeScheduler.speculate`. */
export interface Speculation<T> {
  readonly result: Promise<T>;
  /** The utterance ended where the speculation did: rank it as a final if it still waits. */
  readonly confirm: () => void;
}

export interface SchedulerStats {
  readonly slots: number;
  /** Decodes holding one of `slots` (background slots not included). */
  readonly running: number;
  /** Of those, batch decodes. */
  readonly runningBatch: number;
  readonly runningBackground: number;
  readonly queued: number;
  readonly pendingPartials: number;
}

export class DecodeScheduler {
  readonly ledger: LoadLedger;
  private running = 0;
  private runningBatch = 0;
  private runningRefresh = 0;
  private runningBackground = 0;
  private readonly queues: Record<QueuedClass | 'speculative_final', Job[]> = {
    final: [],
    speculative_final: [],
    speech: [],
    file: [],
    background: [],
  };
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
      runningBackground: this.runningBackground,
      queued:
        this.queues.final.length +
        this.queues.speculative_final.length +
        this.queues.speech.length +
        this.queues.file.length +
        this.queues.background.length,
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

  /** Background slots beside `slots`; 0 when background work is batch work. */
  get backgroundSlots(): number {
    return Math.max(0, Math.floor(this.options.backgroundSlots ?? 0));
  }

  /** Runs `task` in a slot, after the work ranked above it. */
  async run<T>(cls: QueuedClass, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (cls !== 'final' && this.queues[cls].length >= this.options.maxQueued) {
      throw new VoxfleetError('OVER_CAPACITY', `the ${cls} decode queue is full`, {
        retryAfterMs: 1000,
      });
    }
    const job = this.enqueue(cls, signal);
    return this.execute(job, await job.granted, task);
  }

  /**
   * Runs a speculative final: ranked below first partials while it is a guess, as a final once
   * confirmed. `signal` withdraws it if it has not started (the utterance went on). At most one
   * per session is pending (a newer phrase end withdraws the older), so the queue needs no bound.
   */
  speculate<T>(task: () => Promise<T>, signal: AbortSignal): Speculation<T> {
    if (signal.aborted) {
      const result = Promise.reject<T>(new VoxfleetError('CANCELLED', 'request cancelled'));
      return { result, confirm: () => undefined };
    }
    const job = this.enqueue('speculative_final', signal);
    const result = job.granted.then((tier) => this.execute(job, tier, task));
    return { result, confirm: () => this.confirm(job) };
  }

  /** Queues a job of `cls`; `granted` resolves with the tier when it gets a slot. */
  private enqueue(
    cls: QueuedClass | 'speculative_final',
    signal: AbortSignal | undefined,
  ): Job & { readonly granted: Promise<Tier> } {
    let resolveGranted!: (tier: Tier) => void;
    let rejectGranted!: (err: Error) => void;
    const granted = new Promise<Tier>((resolve, reject) => {
      resolveGranted = resolve;
      rejectGranted = reject;
    });
    const onAbort = (): void => {
      const queue = this.queues[job.cls as keyof typeof this.queues];
      const i = queue.indexOf(job);
      if (i >= 0) queue.splice(i, 1);
      rejectGranted(new VoxfleetError('CANCELLED', 'request cancelled'));
    };
    const job = {
      cls: cls as WorkClass,
      queuedMs: this.options.clock.now(),
      granted,
      start: (tier: Tier) => {
        signal?.removeEventListener('abort', onAbort);
        resolveGranted(tier);
      },
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.queues[cls].push(job);
    this.dispatch();
    return job;
  }

  /** A speculative final still waiting joins the finals, in the order they were queued. */
  private confirm(job: Job): void {
    const i = this.queues.speculative_final.indexOf(job);
    if (i < 0) return; // started already, or withdrawn
    this.queues.speculative_final.splice(i, 1);
    job.cls = 'final';
    const finals = this.queues.final;
    const at = finals.findIndex((f) => f.queuedMs > job.queuedMs);
    finals.splice(at < 0 ? finals.length : at, 0, job);
    this.dispatch();
  }

  /**
   * Offers an optional partial decode for `owner` (a session). Resolves with the task's result,
   * or undefined if the offer was replaced by a newer one or withdrawn. `task` runs when the
   * slot is granted, so it should read the newest audio then, not when offered; it is told the
   * tier it was granted, and must decode on the engine's background threads when that is
   * 'background'.
   */
  offerPartial<T>(
    owner: object,
    rank: PartialRank,
    task: (tier: Tier) => Promise<T>,
  ): Promise<T | undefined> {
    const previous = this.offers.get(owner);
    const queuedMs = previous?.queuedMs ?? this.options.clock.now();
    previous?.drop();
    return new Promise<T | undefined>((resolve, reject) => {
      const cls: WorkClass =
        rank === 'background'
          ? 'background'
          : rank === 'first' || previous?.cls === 'first_partial'
            ? 'first_partial'
            : 'partial';
      const offer: PartialOffer = {
        cls,
        owner,
        queuedMs,
        start: (tier) => {
          this.execute(offer, tier, () => task(tier)).then(resolve, reject);
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

  private async execute<T>(job: Job, tier: Tier, task: () => Promise<T>): Promise<T> {
    // The slot was taken by dispatch(); it is given back here whatever happens.
    const { cls, queuedMs } = job;
    const startedMs = this.options.clock.now();
    try {
      return await task();
    } finally {
      const waitMs = startedMs - queuedMs;
      const runMs = this.options.clock.now() - startedMs;
      this.ledger.record(cls, waitMs, runMs);
      this.options.onDecode?.(cls, waitMs, runMs);
      if (tier === 'background') this.runningBackground--;
      else this.running--;
      if (tier === 'batch') this.runningBatch--;
      if (cls === 'partial') this.runningRefresh--;
      this.dispatch();
    }
  }

  /** Hands free slots to waiting work, highest rank first. */
  private dispatch(): void {
    for (;;) {
      const next = this.nextJob();
      if (next === undefined) return;
      const [job, tier] = next;
      if (tier === 'background') this.runningBackground++;
      else this.running++;
      if (tier === 'batch') this.runningBatch++;
      if (job.cls === 'partial') this.runningRefresh++;
      job.start(tier);
    }
  }

  private nextJob(): [Job, Tier] | undefined {
    const q = this.queues;
    const slotFree = this.running < this.options.slots;
    const batchFree = slotFree && this.runningBatch < this.batchSlots;
    if (slotFree) {
      if (q.final.length > 0) return [q.final.shift()!, 'realtime'];
      const first = this.takeOffer('first_partial');
      if (first !== undefined) return [first, 'realtime'];
      if (q.speculative_final.length > 0) return [q.speculative_final.shift()!, 'realtime'];
      if (q.speech.length > 0) return [q.speech.shift()!, 'realtime'];
    }
    if (batchFree && q.file.length > 0) return [q.file.shift()!, 'batch'];
    const own = this.backgroundSlots > 0;
    const refreshSlots = Math.max(1, this.options.slots - 1);
    if (!own && slotFree && this.runningRefresh < refreshSlots) {
      const refresh = this.takeOffer('partial');
      if (refresh !== undefined) return [refresh, 'realtime'];
    }
    if (own ? this.runningBackground < this.backgroundSlots : batchFree) {
      const tier: Tier = own ? 'background' : 'batch';
      if (own) {
        const refresh = this.takeOffer('partial');
        if (refresh !== undefined) return [refresh, tier];
      }
      if (q.background.length > 0) return [q.background.shift()!, tier];
      const partial = this.takeOffer('background');
      if (partial !== undefined) return [partial, tier];
    }
    return undefined;
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
