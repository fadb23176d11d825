/**
 * Concurrent real-time streams against one system (voxfleet or a peer, through `voxfleet
 * loadtest`'s protocol adapters), one load point at a time, judged against one SLO for all:
 * p95 final-after-end-of-speech, p95 first partial, no session without a final, and WER on
 * the streamed audio within `werSlackPts` of the system's own single-stream WER on the same
 * utterances.
 */
import { aggregate, wordErrorRate } from '../../src/eval/error-rate.js';
import { compileLoadtestConfig, runLoadtest, type LoadtestResult } from '../../src/eval/index.js';
import type { TurnRecord } from '../../src/eval/loadtest/loadtest-types.js';
import { summarizePercentiles } from '../../src/eval/report/percentiles.js';
import { normalizerFor } from '../../src/eval/report/score-utterances.js';
import type { Percentiles } from '../../src/eval/report/result-types.js';
import type { ServerCounters } from './server-counters.js';

export interface StreamSlo {
  readonly finalP95Ms: number;
  readonly firstPartialP95Ms: number;
  readonly werSlackPts: number;
}

export interface LoadPoint {
  readonly streams: number;
  readonly turns: number;
  readonly completed: number;
  readonly refused: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly withoutFinal: number;
  readonly finalMs: Percentiles | null;
  readonly firstPartialMs: Percentiles | null;
  /** Percent, numbers spelled out. */
  readonly wer: number | null;
  /** The same utterances' WER in the single-stream baseline run. */
  readonly baselineWer: number | null;
  /** Refused sessions: open -> refusal, ms. */
  readonly refusalMs: Percentiles | null;
  /**
   * Partial updates per second of audio streamed, over completed turns: caption freshness,
   * which the scheduler lets thin out under load (finals and first partials keep their place).
   */
  readonly partialsPerAudioS: number | null;
  /** The server's own account of the point (voxfleet only). */
  readonly server?: ServerCounters;
  readonly pass: boolean;
  readonly reason?: string;
}

export interface RampTarget {
  readonly url: string;
  readonly protocol: 'voxfleet' | 'whisperlive' | 'whisperlivekit';
  readonly manifest: string;
  readonly frameMs: number;
}

const spelled = normalizerFor('en', 'spell');

export function werOf(turns: readonly Pick<TurnRecord, 'ref' | 'hyp'>[]): number | null {
  const scored = turns.filter((t) => t.ref !== undefined);
  const agg = aggregate(
    scored.map((t) => wordErrorRate(spelled(t.ref ?? ''), spelled(t.hyp ?? ''))),
  );
  return agg.refWords > 0 ? agg.wer * 100 : null;
}

export async function runPoint(
  target: RampTarget,
  streams: number,
  durationS: number,
): Promise<LoadtestResult> {
  const config = compileLoadtestConfig({
    target: target.url,
    manifest: target.manifest,
    streams,
    // Starts spread over a few seconds, as real users arrive; never in lock-step.
    rampS: Math.min(5, durationS / 4),
    durationS,
    drainS: 60,
    mode: 'stream',
    protocol: target.protocol,
    frameMs: target.frameMs,
    // The same clock for every system: speech start and end measured on the audio sent.
    speechTimes: 'client',
  });
  return runLoadtest(config);
}

export function judgePoint(
  result: LoadtestResult,
  baseline: ReadonlyMap<string, Pick<TurnRecord, 'ref' | 'hyp'>>,
  slo: StreamSlo,
): LoadPoint {
  const turns = result.turns;
  const ok = turns.filter((t) => t.error === undefined);
  const refusedTurns = turns.filter((t) => t.error?.atOpen === true);
  const errors: Record<string, number> = {};
  for (const t of turns)
    if (t.error && !t.error.atOpen) errors[t.error.code] = (errors[t.error.code] ?? 0) + 1;
  const withoutFinal = ok.filter(
    (t) => t.finalMs === undefined || (t.hyp ?? '').trim() === '',
  ).length;
  const wer = werOf(ok);
  const base = ok.map((t) => baseline.get(t.itemId)).filter((t) => t !== undefined);
  const baselineWer = base.length === ok.length ? werOf(base) : null;
  const s = result.summary;
  const point = {
    streams: result.config.streams,
    turns: turns.length,
    completed: ok.length,
    refused: refusedTurns.length,
    errors,
    withoutFinal,
    finalMs: s.finalMs,
    firstPartialMs: s.firstPartialMs,
    wer,
    baselineWer,
    refusalMs: summarizePercentiles(refusedTurns.map((t) => t.totalMs)),
    partialsPerAudioS: partialRate(ok),
  };
  const fail = (reason: string): LoadPoint => ({ ...point, pass: false, reason });
  if (ok.length === 0) return fail('no session completed');
  if (refusedTurns.length > 0) return fail(`${refusedTurns.length} sessions refused`);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  if (errorCount > 0) return fail(`${errorCount} sessions failed`);
  if (withoutFinal > 0) return fail(`${withoutFinal} sessions without a final`);
  if ((s.finalMs?.p95 ?? Infinity) > slo.finalP95Ms)
    return fail(`final p95 ${Math.round(s.finalMs?.p95 ?? NaN)} ms > ${slo.finalP95Ms} ms`);
  if ((s.firstPartialMs?.p95 ?? Infinity) > slo.firstPartialP95Ms)
    return fail(
      `first partial p95 ${Math.round(s.firstPartialMs?.p95 ?? NaN)} ms > ${slo.firstPartialP95Ms} ms`,
    );
  if (wer !== null && baselineWer !== null && wer > baselineWer + slo.werSlackPts)
    return fail(
      `WER ${wer.toFixed(1)} % > single-stream ${baselineWer.toFixed(1)} % + ${slo.werSlackPts}`,
    );
  return { ...point, pass: true };
}

function partialRate(turns: readonly TurnRecord[]): number | null {
  const counted = turns.filter((t) => t.partials !== undefined && t.audioS > 0);
  const audioS = counted.reduce((n, t) => n + t.audioS, 0);
  if (audioS === 0) return null;
  const partials = counted.reduce((n, t) => n + (t.partials ?? 0), 0);
  return Math.round((partials / audioS) * 1000) / 1000;
}

/** One line for the progress log. */
export function describePoint(p: LoadPoint): string {
  const f = p.finalMs;
  const fp = p.firstPartialMs;
  return (
    `${p.pass ? 'PASS' : 'FAIL'} final p50/p95 ${f ? `${f.p50.toFixed(0)}/${f.p95.toFixed(0)}` : '-'} ms, ` +
    `first partial p50/p95 ${fp ? `${fp.p50.toFixed(0)}/${fp.p95.toFixed(0)}` : '-'} ms, ` +
    `WER ${p.wer?.toFixed(1) ?? '-'} % (single ${p.baselineWer?.toFixed(1) ?? '-'}), turns ${p.completed}/${p.turns}, ` +
    `partials/audio s ${p.partialsPerAudioS?.toFixed(2) ?? '-'}` +
    (p.server
      ? `, server loop lag p99/max ${p.server.eventLoopLagMs.p99}/${p.server.eventLoopLagMs.max} ms`
      : '') +
    (p.reason ? ` — ${p.reason}` : '')
  );
}
