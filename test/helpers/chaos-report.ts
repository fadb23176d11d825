/**
 * What the chaos tests measured, per scenario, for `npm run test:chaos` to keep in
 * bench/results/chaos.json (when VOXFLEET_CHAOS_REPORT names it; bench-report.ts).
 */
import { alignTokens } from '../../src/core/index.js';
import { splitWords } from '../../src/eval/error-rate.js';
import { recordInReport } from './bench-report.js';

export interface ChaosScenario {
  /**
   * Words of the undisturbed transcript missing from the disturbed one; null where the stream
   * was refused by design (the client is told, with a code) rather than carried on.
   */
  readonly lost_words: number | null;
  readonly duplicate_finals: number;
  /** Audio messages of a pinned tenant seen on a subject outside its zone. */
  readonly residency_violations: number;
  /** From the loss being noticed to the stream live again (gateway metric); null if none. */
  readonly failover_ms: number | null;
  readonly [detail: string]: unknown;
}

export function recordChaos(name: string, scenario: ChaosScenario): void {
  recordInReport('VOXFLEET_CHAOS_REPORT', 'scenarios', name, scenario);
}

/** Reference words with no match in the hypothesis (deletions, and substitutions count too). */
export function lostWords(expected: readonly string[], got: readonly string[]): number {
  const a = alignTokens(splitWords(expected.join(' ')), splitWords(got.join(' ')));
  return a.deletions + a.substitutions;
}

/** Finals whose text repeats the final before it, the signature of a replay gone wrong. */
export function duplicateFinals(finals: readonly string[]): number {
  let n = 0;
  for (let i = 1; i < finals.length; i++) if (finals[i] === finals[i - 1]) n++;
  return n;
}

/** Mean of a Prometheus histogram's new observations between two /metrics texts, in ms. */
export function meanNewObservationMs(before: string, after: string, metric: string): number | null {
  const read = (text: string, suffix: string): number => {
    const m = new RegExp(`^${metric}_${suffix} (\\S+)$`, 'm').exec(text);
    return m === null ? 0 : Number(m[1]);
  };
  const count = read(after, 'count') - read(before, 'count');
  if (count <= 0) return null;
  return ((read(after, 'sum') - read(before, 'sum')) / count) * 1000;
}
