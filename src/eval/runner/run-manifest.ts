/**
 * Runs manifest items through one path of one target, `concurrency` requests at a time, and
 * collects per-utterance transcripts and timings in manifest order. A failed or timed-out
 * request is recorded with its error code; the run goes on.
 */
import { mapLimited, type Clock } from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import type { EvalPath } from './eval-config.js';
import type { EvalTarget } from './eval-target.js';
import { transcribeItem, type UtteranceRun } from './transcribe-item.js';

export interface SelectItemsOptions {
  /** Keep items carrying any of these tags; all items when empty. */
  readonly tags?: readonly string[];
  /** Keep the first `limit` items after the tag filter. */
  readonly limit?: number | undefined;
}

/** Filters by tag (any of), then keeps the first `limit`; order is the manifest's. */
export function selectItems(
  items: readonly ManifestItem[],
  options: SelectItemsOptions,
): ManifestItem[] {
  const wanted = new Set(options.tags ?? []);
  const tagged =
    wanted.size === 0 ? [...items] : items.filter((i) => i.tags.some((t) => wanted.has(t)));
  return options.limit === undefined ? tagged : tagged.slice(0, options.limit);
}

export interface RunManifestOptions {
  readonly target: EvalTarget;
  readonly path: EvalPath;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly concurrency: number;
  readonly frameMs: number;
  /** Every request's deadline in seconds; undefined = scaled to each item's audio. */
  readonly timeoutS?: number | undefined;
  /** Runs the deadline timers; the system clock by default. */
  readonly clock?: Clock;
  /** Called after each utterance, in completion order. */
  readonly onUtterance?: (done: number, total: number, utterance: UtteranceRun) => void;
  /** Milliseconds on a monotonic timeline; performance.now by default. */
  readonly now?: () => number;
}

export interface ManifestRun {
  /** In manifest order. */
  readonly utterances: readonly UtteranceRun[];
  /** Wall time of the whole run, all requests in flight together. */
  readonly wallMs: number;
}

export async function runManifest(
  items: readonly ManifestItem[],
  options: RunManifestOptions,
): Promise<ManifestRun> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let done = 0;
  const utterances = await mapLimited(items, options.concurrency, async (item) => {
    const result = await transcribeItem(item, {
      target: options.target,
      path: options.path,
      model: options.model,
      language: options.language,
      frameMs: options.frameMs,
      timeoutS: options.timeoutS,
      now,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    options.onUtterance?.(++done, items.length, result);
    return result;
  });
  return {
    utterances,
    wallMs: now() - started,
  };
}
