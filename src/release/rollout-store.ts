/**
 * Where a rollout lives so every gateway agrees on it: a plan and its state under one key of a
 * versioned store (JetStream KV across regions, memory in one process). Every change is a
 * compare-and-set over the revision it was computed from, so a change is applied once or not
 * at all: two controllers, or a controller and an operator, can never both apply a step.
 */
import { VoxfleetError } from '../core/index.js';
import type { ReleasePlan } from './plan.js';
import { initialState, type RolloutState } from './rollout.js';

/** What the store needs; the NATS fabric's NatsVersionedKv has this shape. */
export interface VersionedStore {
  get<T>(key: string): Promise<{ readonly value: T; readonly revision: number } | undefined>;
  create<T>(key: string, value: T): Promise<number | undefined>;
  update<T>(key: string, value: T, revision: number): Promise<number | undefined>;
}

export interface StoredRollout {
  readonly plan: ReleasePlan;
  readonly state: RolloutState;
}

export const rolloutKey = (planId: string): string => `rollout.${planId}`;
/** The fleet's JetStream KV bucket for rollouts (`voxfleet release`, `gateway --releases`). */
export const RELEASES_BUCKET = 'voxfleet-releases';
/** The ids of every registered plan, so gateways can follow them all. */
export const ROLLOUT_INDEX_KEY = 'rollouts';

export class RolloutStore {
  constructor(private readonly store: VersionedStore) {}

  async read(planId: string): Promise<{ rollout: StoredRollout; revision: number } | undefined> {
    const got = await this.store.get<StoredRollout>(rolloutKey(planId));
    return got === undefined ? undefined : { rollout: got.value, revision: got.revision };
  }

  /** Registers a plan once; a plan id is never reused for another plan (RELEASE_EXISTS). */
  async register(plan: ReleasePlan): Promise<StoredRollout> {
    const rollout: StoredRollout = { plan, state: initialState(plan) };
    if ((await this.store.create(rolloutKey(plan.id), rollout)) !== undefined) {
      await this.addToIndex(plan.id);
      return rollout;
    }
    const existing = await this.read(plan.id);
    if (existing !== undefined && JSON.stringify(existing.rollout.plan) === JSON.stringify(plan))
      return existing.rollout;
    throw new VoxfleetError('INVALID_ARGUMENT', `a different plan is registered as ${plan.id}`, {
      field: 'plan.id',
    });
  }

  /** Every registered rollout, as stored now. */
  async list(): Promise<StoredRollout[]> {
    const index = await this.store.get<string[]>(ROLLOUT_INDEX_KEY);
    const rollouts = await Promise.all((index?.value ?? []).map((id) => this.read(id)));
    return rollouts.flatMap((r) => (r === undefined ? [] : [r.rollout]));
  }

  private async addToIndex(planId: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const index = await this.store.get<string[]>(ROLLOUT_INDEX_KEY);
      if (index === undefined) {
        if ((await this.store.create(ROLLOUT_INDEX_KEY, [planId])) !== undefined) return;
        continue;
      }
      if (index.value.includes(planId)) return;
      const ids = [...index.value, planId];
      if ((await this.store.update(ROLLOUT_INDEX_KEY, ids, index.revision)) !== undefined) return;
    }
    throw new VoxfleetError('INTERNAL', 'the rollout index kept changing under us', {});
  }

  /**
   * Applies `change` to the stored state with compare-and-set, reading again after a conflict.
   * `change` may throw (an illegal move); it may return the same state (nothing to write).
   */
  async apply(
    planId: string,
    change: (rollout: StoredRollout) => RolloutState,
    attempts = 5,
  ): Promise<RolloutState> {
    for (let i = 0; i < attempts; i++) {
      const current = await this.read(planId);
      if (current === undefined)
        throw new VoxfleetError('NOT_FOUND', `no rollout ${planId}`, { field: 'plan' });
      const state = change(current.rollout);
      if (state === current.rollout.state) return state;
      const written = await this.store.update(
        rolloutKey(planId),
        { plan: current.rollout.plan, state },
        current.revision,
      );
      if (written !== undefined) return state;
    }
    throw new VoxfleetError('INTERNAL', `rollout ${planId} kept changing under us`, {});
  }

  /** One attempt, no retry: what a controller uses, so a stale controller simply loses. */
  async applyOnce(
    planId: string,
    revision: number,
    rollout: StoredRollout,
    state: RolloutState,
  ): Promise<boolean> {
    return (
      (await this.store.update(rolloutKey(planId), { plan: rollout.plan, state }, revision)) !==
      undefined
    );
  }
}

/** Everything a memory store holds, as `persist` receives it and a new store starts from. */
export interface VersionedSnapshot {
  readonly lastRevision: number;
  readonly entries: Readonly<Record<string, { readonly json: string; readonly revision: number }>>;
}

/**
 * A versioned store in memory: one process (embedded mode) and unit tests. With `persist`, every
 * change is handed over before the call returns, so a change a caller saw succeed survives a
 * restart (openFileVersionedStore writes it to a file).
 */
export class MemoryVersionedStore implements VersionedStore {
  private readonly values = new Map<string, { json: string; revision: number }>();
  private lastRevision = 0;
  private readonly persist: ((snapshot: VersionedSnapshot) => void) | undefined;

  constructor(
    options: {
      readonly initial?: VersionedSnapshot;
      readonly persist?: (snapshot: VersionedSnapshot) => void;
    } = {},
  ) {
    for (const [key, entry] of Object.entries(options.initial?.entries ?? {}))
      this.values.set(key, { json: entry.json, revision: entry.revision });
    this.lastRevision = options.initial?.lastRevision ?? 0;
    this.persist = options.persist;
  }

  async get<T>(key: string): Promise<{ value: T; revision: number } | undefined> {
    const v = this.values.get(key);
    return v === undefined ? undefined : { value: JSON.parse(v.json) as T, revision: v.revision };
  }

  async create<T>(key: string, value: T): Promise<number | undefined> {
    if (this.values.has(key)) return undefined;
    return this.set(key, value);
  }

  async update<T>(key: string, value: T, revision: number): Promise<number | undefined> {
    if (this.values.get(key)?.revision !== revision) return undefined;
    return this.set(key, value);
  }

  async put<T>(key: string, value: T): Promise<void> {
    this.set(key, value);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.values.keys()].filter((k) => k.startsWith(prefix));
  }

  private set<T>(key: string, value: T): number {
    const entry = { json: JSON.stringify(value), revision: this.lastRevision + 1 };
    if (this.persist !== undefined) {
      const entries = Object.fromEntries(this.values);
      entries[key] = entry;
      // Written first: a change that could not be kept is not made (the caller sees the error).
      this.persist({ lastRevision: entry.revision, entries });
    }
    this.lastRevision = entry.revision;
    this.values.set(key, entry);
    return entry.revision;
  }
}
