/**
 * `Promise.all(items.map(fn))` with at most `limit` calls in flight. The worker feeds a long
 * file's chunks to its scheduler a few at a time (so one two-hour upload neither fills the batch
 * queue nor holds hundreds of pending decodes); eval runs a manifest `concurrency` at a time. The first failure stops
 * further calls and rejects; results keep the order of `items`.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane);
  await Promise.all(lanes);
  return results;
}
