/**
 * Runs manifest items through one path of one server, `concurrency` requests at a time, and
 * collects per-utterance transcripts and timings in manifest order.
 */
import type { ManifestItem } from '../manifest.js';
import type { EvalPath } from './eval-config.js';
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
  readonly baseUrl: string;
  readonly path: EvalPath;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly concurrency: number;
  readonly frameMs: number;
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
  const results = new Array<UtteranceRun | undefined>(items.length);
  const started = now();
  let next = 0;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const result = await transcribeItem(items[index]!, {
        baseUrl: options.baseUrl,
        path: options.path,
        model: options.model,
        language: options.language,
        frameMs: options.frameMs,
        now,
      });
      results[index] = result;
      options.onUtterance?.(++done, items.length, result);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, items.length) }, () => lane()),
  );
  return {
    utterances: results.filter((r): r is UtteranceRun => r !== undefined),
    wallMs: now() - started,
  };
}
