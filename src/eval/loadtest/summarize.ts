/** Loadtest arithmetic: percentiles, churn, WER and throughput from the turn records. */
import { aggregate, wordErrorRate } from '../error-rate.js';
import { summarizePercentiles } from '../report/percentiles.js';
import { normalizerFor, scoringLanguage } from '../report/score-utterances.js';
import { churnRate } from './churn.js';
import type { LoadtestMode } from './loadtest-config.js';
import type { LoadtestSummary, TurnRecord } from './loadtest-types.js';

const pick = (turns: readonly TurnRecord[], f: (t: TurnRecord) => number | undefined): number[] =>
  turns.map(f).filter((v): v is number => v !== undefined);

function countBy(turns: readonly TurnRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of turns) if (t.error) out[t.error.code] = (out[t.error.code] ?? 0) + 1;
  return out;
}

/**
 * Completed turns per whole second of the run, by when each ended: bucket k holds the turns
 * ending in [k s, (k + 1) s); as many buckets as the run lasted, rounded up.
 */
export function throughputPerSecond(endsMs: readonly number[], elapsedMs: number): number[] {
  const buckets = new Array<number>(Math.max(1, Math.ceil(elapsedMs / 1000))).fill(0);
  for (const end of endsMs) {
    const k = Math.min(buckets.length - 1, Math.max(0, Math.floor(end / 1000)));
    buckets[k]!++;
  }
  return buckets;
}

export function summarizeTurns(
  mode: LoadtestMode,
  turns: readonly TurnRecord[],
  elapsedMs: number,
): LoadtestSummary {
  const ok = turns.filter((t) => t.error === undefined);
  const refusedTurns = turns.filter((t) => t.error?.atOpen === true);
  const failedAfterOpen = turns.filter((t) => t.error !== undefined && !t.error.atOpen);
  const scored = mode === 'tts' ? [] : ok.filter((t) => t.ref !== undefined);
  const werResults = scored.map((t) => {
    const normalize = normalizerFor(scoringLanguage(t.language), 'spell');
    return wordErrorRate(normalize(t.ref ?? ''), normalize(t.hyp ?? ''));
  });
  const corpus = aggregate(werResults);
  const elapsedS = elapsedMs / 1000;
  const throughput = throughputPerSecond(
    ok.map((t) => t.endMs),
    elapsedMs,
  );
  return {
    turns: turns.length,
    completed: ok.length,
    failed: turns.length - ok.length,
    refused: refusedTurns.length,
    refusedByCode: countBy(refusedTurns),
    errorsByCode: countBy(failedAfterOpen),
    firstPartialMs: summarizePercentiles(pick(ok, (t) => t.firstPartialMs)),
    finalMs: summarizePercentiles(pick(ok, (t) => t.finalMs)),
    firstByteMs: summarizePercentiles(pick(ok, (t) => t.firstByteMs)),
    totalMs: summarizePercentiles(pick(ok, (t) => t.totalMs)),
    rtf: summarizePercentiles(pick(ok, (t) => t.rtf)),
    churn:
      mode === 'stream'
        ? churnRate(
            ok.map((t) => ({
              rewrittenWords: t.rewrittenWords ?? 0,
              shownWords: t.shownWords ?? 0,
            })),
          )
        : null,
    wer: corpus.refWords > 0 ? corpus.wer : null,
    refWords: corpus.refWords,
    throughputPerS: throughput,
    meanThroughputPerS: elapsedS > 0 ? ok.length / elapsedS : 0,
    audioSPerS: elapsedS > 0 ? ok.reduce((s, t) => s + t.audioS, 0) / elapsedS : 0,
    elapsedS,
  };
}
