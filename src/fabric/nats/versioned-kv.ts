/**
 * JSON values with compare-and-set, in a JetStream KV bucket: what lets every gateway of every
 * region agree on shared state (a rollout's) and two writers never both apply a change. `create`
 * succeeds for one writer only; `update` only over the revision the writer read. A conflict is
 * an answer (`undefined`), not an error: the writer reads again and decides again.
 *
 * Generic on purpose: the fabric knows nothing of what is stored (the release role's store
 * takes any object with this shape).
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { VoxfleetError } from '../../core/index.js';

export interface Versioned<T> {
  readonly value: T;
  /** The bucket's revision of this key; pass it back to update(). */
  readonly revision: number;
}

export class NatsVersionedKv {
  private constructor(private readonly kv: KV) {}

  /** Creates the bucket (or binds to it); the history keeps the last few values for audit. */
  static async open(connection: NatsConnection, bucket: string): Promise<NatsVersionedKv> {
    try {
      return new NatsVersionedKv(await new Kvm(connection).create(bucket, { history: 5 }));
    } catch (err) {
      throw new VoxfleetError(
        'NOT_READY',
        `the KV bucket ${bucket} cannot be opened (JetStream on?)`,
        { retryAfterMs: 1000 },
        { cause: err },
      );
    }
  }

  async get<T>(key: string): Promise<Versioned<T> | undefined> {
    const entry = await this.kv.get(key);
    if (entry === null || entry.operation !== 'PUT') return undefined;
    return { value: entry.json<T>(), revision: entry.revision };
  }

  /** Writes without a revision check: for keys only one writer ever writes. */
  async put<T>(key: string, value: T): Promise<void> {
    await this.kv.put(key, JSON.stringify(value));
  }

  /** Keys starting with `prefix` (a prefix ending in `.`: one more token of any value). */
  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys(`${prefix}>`)) out.push(k);
    return out;
  }

  /** The new revision, or undefined when the key already exists. */
  async create<T>(key: string, value: T): Promise<number | undefined> {
    try {
      return await this.kv.create(key, JSON.stringify(value));
    } catch (err) {
      if (isConflict(err)) return undefined;
      throw err;
    }
  }

  /** The new revision, or undefined when someone else wrote the key since `revision`. */
  async update<T>(key: string, value: T, revision: number): Promise<number | undefined> {
    try {
      return await this.kv.update(key, JSON.stringify(value), revision);
    } catch (err) {
      if (isConflict(err)) return undefined;
      throw err;
    }
  }
}

/** JetStream answers a failed expectation (wrong last sequence, key exists) with code 10071. */
function isConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const api = (err as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === 10071 || /wrong last sequence|key exists/i.test(err.message);
}
