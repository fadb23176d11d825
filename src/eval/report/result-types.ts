/**
 * The shape of `result.json` written by `voxfleet eval` (schema 'voxfleet.eval.result',
 * version 1). Rates are fractions (0.068 = 6.8 %), durations in ms unless the name says `S`.
 * Any change to a field's meaning bumps EVAL_RESULT_VERSION; result-schema.ts validates it.
 */
import type { NumberMode } from '../normalize-text.js';
import type { MachineInfo } from '../runner/machine.js';

export const EVAL_RESULT_SCHEMA = 'voxfleet.eval.result';
export const EVAL_RESULT_VERSION = 1;

/** Corpus WER and CER of one slice ('all' or a tag), from totals, never a mean of rates. */
export interface SliceScores {
  readonly slice: string;
  readonly utterances: number;
  readonly refWords: number;
  readonly substitutions: number;
  readonly insertions: number;
  readonly deletions: number;
  /** substitutions + insertions + deletions. */
  readonly errors: number;
  /** errors / max(1, refWords). */
  readonly wer: number;
  /** Reference characters, spaces removed. */
  readonly refChars: number;
  readonly charErrors: number;
  /** charErrors / max(1, refChars). */
  readonly cer: number;
}

/** One utterance's word and character counts under one numbers mode. */
export interface UtteranceScore {
  readonly refWords: number;
  readonly substitutions: number;
  readonly insertions: number;
  readonly deletions: number;
  readonly errors: number;
  readonly wer: number;
  readonly refChars: number;
  readonly charErrors: number;
  readonly cer: number;
}

export interface UtteranceRecord {
  readonly id: string;
  /** Absolute path of the audio file. */
  readonly audio: string;
  readonly tags: readonly string[];
  /** Language the texts were normalised for ('en' unless the item or --language says else). */
  readonly language: string;
  /** Reference and hypothesis as written / as returned (not normalised). */
  readonly ref: string;
  readonly hyp: string;
  readonly durationS: number;
  /** Wall time of the request (see docs/eval.md for what each path measures). */
  readonly latencyMs: number;
  /** latencyMs / 1000 / durationS. */
  readonly rtf: number;
  readonly firstPartialMs?: number;
  readonly finalMs?: number;
  readonly model?: string;
  readonly modelVersion?: string;
  /** Set when the request failed; such utterances are not scored. */
  readonly error?: { readonly code: string; readonly message: string };
  /** Absent when the request failed. */
  readonly scores?: Readonly<Record<NumberMode, UtteranceScore>>;
}

/** Nearest-rank percentiles of a sample. */
export interface Percentiles {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export interface RunSummary {
  readonly utterances: number;
  /** Utterances whose request failed (listed in `utterances` with `error`). */
  readonly failed: number;
  /** Of those, the ones aborted at their deadline (REQUEST_TIMEOUT); 0 in files from before. */
  readonly timedOut: number;
  /** Audio of the scored utterances, seconds. */
  readonly audioS: number;
  /** Wall time of the whole run, every request in flight together, seconds. */
  readonly wallS: number;
  /** Audio seconds transcribed per wall second (audioS / wallS). */
  readonly throughputX: number;
  /** Per-request real-time factor; `total` = sum of request times / sum of audio. */
  readonly rtf: (Percentiles & { readonly total: number }) | null;
  readonly latencyMs: Percentiles | null;
  /** 'ws-realtime' only. */
  readonly firstPartialMs: Percentiles | null;
  readonly finalMs: Percentiles | null;
}

export interface ResultConfig {
  /** Absolute path of the manifest. */
  readonly manifest: string;
  /** What was asked for: a URL or 'local'. */
  readonly target: string;
  /** The URL requests went to ('in-process ...' for the engine path). */
  readonly url: string;
  readonly path: 'rest' | 'ws' | 'ws-realtime' | 'engine';
  /** Model asked for; null = the server's default for the language. */
  readonly model: string | null;
  readonly language: string | null;
  readonly concurrency: number;
  readonly frameMs: number;
  readonly limit: number | null;
  readonly tags: readonly string[];
  /** Every request's deadline in seconds; null = scaled to each item's audio (docs/eval.md). */
  readonly timeoutS: number | null;
}

export interface ServedInfo {
  /** The model@version that served most utterances (null when none succeeded). */
  readonly model: string | null;
  readonly modelVersion: string | null;
  /** Utterances per 'model@version', in case several versions answered. */
  readonly versions: Readonly<Record<string, number>>;
  /** GET /v1/models at the start of the run. */
  readonly models: readonly {
    readonly id: string;
    readonly version: string;
    readonly kind: string;
  }[];
}

export interface NormalizationInfo {
  /** The headline numbers mode; scores are given for both. */
  readonly numbers: NumberMode;
  readonly english: string;
  readonly otherLanguages: string;
}

/** The machine a result was measured on, as written in result.json. */
export type MachineRecord = MachineInfo;

/** Per-slice WER change of the candidate (this run) against a baseline, paired by id. */
export interface SliceDelta {
  readonly slice: string;
  readonly utterances: number;
  readonly refWords: number;
  readonly baselineWer: number;
  readonly candidateWer: number;
  /** candidateWer - baselineWer: positive = this run is worse. */
  readonly delta: number;
  /** Percentile bootstrap interval of `delta`. */
  readonly ciLow: number;
  readonly ciHigh: number;
  /** False for slices too small to gate on (fewer than `minGateUtterances`); 'all' always is. */
  readonly gated: boolean;
}

export interface GateSummary {
  /** WER fraction; null when no --max-regression was given. */
  readonly maxRegression: number | null;
  /** Slices with fewer paired utterances are reported but not gated ('all' always is). */
  readonly minGateUtterances: number;
  /** Gated slice with the highest CI lower bound (the most certain regression). */
  readonly worstSlice: string;
  readonly worstDelta: number;
  readonly worstCiLow: number;
  readonly worstCiHigh: number;
  /** Slices whose CI lower bound exceeds maxRegression. */
  readonly regressedSlices: readonly string[];
  readonly failed: boolean;
}

export interface Comparison {
  readonly baseline: {
    readonly kind: 'model' | 'result';
    /** The model name, or the result file's path. */
    readonly source: string;
    readonly model: string | null;
    readonly modelVersion: string | null;
  };
  readonly numbers: NumberMode;
  readonly confidence: number;
  readonly resamples: number;
  readonly seed: number;
  /** Utterances scored in both runs; deltas are over these only. */
  readonly pairedUtterances: number;
  readonly slices: readonly SliceDelta[];
  readonly gate: GateSummary;
  readonly warnings: readonly string[];
}

export interface EvalResult {
  readonly schema: typeof EVAL_RESULT_SCHEMA;
  readonly schemaVersion: typeof EVAL_RESULT_VERSION;
  readonly createdAt: string;
  readonly config: ResultConfig;
  readonly served: ServedInfo;
  readonly normalization: NormalizationInfo;
  readonly machine: MachineRecord;
  readonly summary: RunSummary;
  readonly scores: Readonly<Record<NumberMode, readonly SliceScores[]>>;
  readonly utterances: readonly UtteranceRecord[];
  readonly comparison?: Comparison;
}
