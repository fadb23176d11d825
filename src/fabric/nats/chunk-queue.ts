/**
 * An async iterable fed by pushes: audio chunks arrive from NATS whenever the worker sends them
 * and leave when the reader asks. The reader stopping early (`return`) calls `onStop`, so the
 * worker is told to stop producing.
 */
export class ChunkQueue implements AsyncIterable<Uint8Array> {
  private readonly items: Uint8Array[] = [];
  private waiting: { resolve: () => void } | undefined;
  private ended = false;
  private failure: Error | undefined;

  constructor(private readonly onStop: () => void) {}

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.items.push(chunk);
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(err: Error): void {
    if (this.ended) return;
    this.failure = err;
    this.ended = true;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let finished = false;
    try {
      for (;;) {
        const next = this.items.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (this.failure !== undefined) throw this.failure;
        if (this.ended) {
          finished = true;
          return;
        }
        await new Promise<void>((resolve) => (this.waiting = { resolve }));
      }
    } finally {
      if (!finished && this.failure === undefined) this.onStop();
    }
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve();
  }
}
