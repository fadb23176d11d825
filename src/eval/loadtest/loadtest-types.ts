/** What `voxfleet loadtest` records and writes to loadtest.json. Times in ms from the run's start. */
import type { Percentiles } from '../report/result-types.js';
import type { LoadtestMode } from './loadtest-config.js';

export const LOADTEST_RESULT_SCHEMA = 'voxfleet.loadtest/1';

/** One turn of one client: an utterance streamed, a text synthesized, or a file transcribed. */
export interface TurnRecord {
  readonly slot: number;
  readonly itemId: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Seconds of audio sent (stream, rest) or received (tts); 0 when unknown. */
  readonly audioS: number;
  /** stream: speech_started → first partial, client side (as in `voxfleet eval`). */
  readonly firstPartialMs?: number;
  /** stream: last final, minus when its last word was spoken. */
  readonly finalMs?: number;
  /** tts: request sent → first audio byte. */
  readonly firstByteMs?: number;
  /** The whole turn: open/request → close/response end. */
  readonly totalMs: number;
  /** rest: totalMs / audio duration. */
  readonly rtf?: number;
  /** stream: churn counts (docs/loadtest.md). */
  readonly rewrittenWords?: number;
  readonly shownWords?: number;
  /** stream: partial updates received (how fresh captions stayed; they thin out under load). */
  readonly partials?: number;
  /** stream, rest: reference and hypothesis, as written / as returned. */
  readonly ref?: string;
  readonly hyp?: string;
  readonly language?: string;
  /** Set when the turn failed; `atOpen` when the server refused the session or request. */
  readonly error?: { readonly code: string; readonly atOpen: boolean };
}

export interface LoadtestSummary {
  readonly turns: number;
  readonly completed: number;
  readonly failed: number;
  /** Sessions refused at open, by code (OVER_CAPACITY and others). */
  readonly refused: number;
  readonly refusedByCode: Readonly<Record<string, number>>;
  /** Errors after a session opened, by code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly firstPartialMs: Percentiles | null;
  readonly finalMs: Percentiles | null;
  readonly firstByteMs: Percentiles | null;
  readonly totalMs: Percentiles | null;
  readonly rtf: Percentiles | null;
  /** stream: sum(rewritten) / sum(shown) words; null in other modes. */
  readonly churn: number | null;
  /** Corpus WER of completed turns (numbers spelled out); null in tts mode or with no words. */
  readonly wer: number | null;
  readonly refWords: number;
  /** Completed turns per second of the run, and the mean. */
  readonly throughputPerS: readonly number[];
  readonly meanThroughputPerS: number;
  /** Seconds of audio handled per second of wall time. */
  readonly audioSPerS: number;
  readonly elapsedS: number;
}

export interface LoadtestResult {
  readonly schema: typeof LOADTEST_RESULT_SCHEMA;
  readonly createdAt: string;
  readonly config: {
    readonly target: string;
    readonly manifest: string;
    readonly mode: LoadtestMode;
    readonly protocol: string;
    readonly streams: number;
    readonly rampS: number;
    readonly durationS: number;
    readonly frameMs: number;
    /** Where speech times came from (see LoadtestConfig.speechTimes). */
    readonly speechTimes?: 'server' | 'client';
    readonly model: string | null;
    readonly language: string | null;
  };
  /** True when turns were still running at duration + drain and were cut off. */
  readonly cutOff: boolean;
  readonly summary: LoadtestSummary;
  readonly turns: readonly TurnRecord[];
}
