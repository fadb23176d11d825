/**
 * Idle native objects kept for reuse, by configuration key. A Silero detector costs ~75 ms of
 * the event loop to create (an ONNX Runtime session per detector; 2-core Xeon VM, idle) and
 * ~10 MB to keep; reusing one costs a reset. Only idle objects are held here, at most `maxIdle`
 * in all, so memory stays bounded by the peak of concurrent sessions plus that many.
 */
export class IdlePool<T> {
  private readonly idle = new Map<string, T[]>();
  private idleCount = 0;
  private closed = false;
  private made = 0;

  constructor(private readonly maxIdle: number) {}

  /** An idle object of `key`, or a new one from `create`. */
  take(key: string, create: () => T): T {
    const item = this.idle.get(key)?.pop();
    if (item !== undefined) {
      this.idleCount--;
      return item;
    }
    this.made++;
    return create();
  }

  /** Keeps `item` (already reset by the caller) for the next `take` of `key`, if there is room. */
  give(key: string, item: T): void {
    if (this.closed || this.idleCount >= this.maxIdle) return;
    const list = this.idle.get(key);
    if (list === undefined) this.idle.set(key, [item]);
    else list.push(item);
    this.idleCount++;
  }

  /** Makes idle objects of `key` until `count` are waiting (or the pool is full). */
  fill(key: string, count: number, create: () => T): void {
    while (
      !this.closed &&
      (this.idle.get(key)?.length ?? 0) < count &&
      this.idleCount < this.maxIdle
    ) {
      this.made++;
      this.give(key, create());
    }
  }

  /** Objects made because none of their key was idle (for tests and diagnostics). */
  get created(): number {
    return this.made;
  }

  get idleSize(): number {
    return this.idleCount;
  }

  /** Drops every idle object; objects given back afterwards are dropped too. */
  close(): void {
    this.closed = true;
    this.idle.clear();
    this.idleCount = 0;
  }
}
