/**
 * `voxfleet eval` options: user input in (every field optional but the manifest), a frozen
 * config out with every default filled. The defaults live in this one table, each with its unit.
 */
import { SERVE_DEFAULTS, invalidArgument } from '../../core/index.js';
import type { NumberMode } from '../normalize-text.js';

/**
 * How audio reaches the model:
 * - 'rest': one `POST /v1/audio/transcriptions` per file;
 * - 'ws': `/v1/listen`, frames sent as fast as the socket takes them (no partials asked for);
 * - 'ws-realtime': `/v1/listen` at real-time pace, recording first-partial and final latency;
 * - 'engine': no server: the worker's file pipeline in this process (model quality without
 *   serving, to tell a serving bug from a model error).
 */
export type EvalPath = 'rest' | 'ws' | 'ws-realtime' | 'engine';
export const EVAL_PATHS: readonly EvalPath[] = ['rest', 'ws', 'ws-realtime', 'engine'];

export interface EvalOptions {
  manifest?: string;
  /** A server URL, or 'local' to start the embedded server in this process. */
  target?: string;
  path?: string;
  model?: string;
  language?: string;
  concurrency?: number;
  numbers?: string;
  out?: string;
  /** A model name (run on the same audio) or a previous result.json. */
  compare?: string;
  limit?: number;
  /** Keep items carrying any of these tags. */
  tags?: readonly string[];
  frameMs?: number;
  seed?: number;
  resamples?: number;
  /** Largest allowed WER increase of any slice, in percentage points (0.5 = half a point). */
  maxRegression?: number;
  /** Slices with fewer paired utterances are not gated. */
  gateMinUtterances?: number;
  /** Seconds one request may take before it is aborted; default per item (timeoutMsFor). */
  timeoutS?: number;
}

export interface EvalConfig {
  readonly manifest: string;
  readonly target: string;
  readonly path: EvalPath;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly concurrency: number;
  readonly numbers: NumberMode;
  readonly out: string | undefined;
  readonly compare: string | undefined;
  readonly limit: number | undefined;
  readonly tags: readonly string[];
  readonly frameMs: number;
  readonly seed: number;
  readonly resamples: number;
  /** As a fraction of WER (0.005 = half a point); undefined = no gate. */
  readonly maxRegressionWer: number | undefined;
  readonly gateMinUtterances: number;
  /** Every request's deadline in seconds; undefined = scaled to each item's audio. */
  readonly timeoutS: number | undefined;
}

export const EVAL_DEFAULTS = Object.freeze({
  /** Where `voxfleet transcribe` looks too. */
  target: 'http://127.0.0.1:8080',
  path: 'rest',
  /** Requests in flight at once for 'rest' and 'ws' (two keep a 2-core server busy). */
  concurrency: 2,
  /** 'ws-realtime' measures the latency one user feels: one stream at a time. */
  realtimeConcurrency: 1,
  /** Whisper writes "10" where references say "ten": spelled out is the headline figure. */
  numbers: 'spell',
  /** Milliseconds of audio per WebSocket frame. */
  frameMs: 100,
  /** Bootstrap seed: the same seed and data give the same confidence intervals. */
  seed: 1,
  /** Bootstrap resamples per slice. */
  resamples: 1000,
  /** Utterances a slice needs to be gated: an interval from fewer says little ('all' always is). */
  gateMinUtterances: 5,
  /** Shortest default deadline per request, seconds (model warm-up, a queue on a busy server). */
  minTimeoutS: 60,
  /** Default deadline per second of audio, seconds: 10x real time (ws-realtime needs 1x). */
  timeoutSPerAudioS: 10,
  /** Default deadline when the manifest gives no `duration_s`, seconds. */
  unknownDurationTimeoutS: 600,
});

/** Validates eval options once and fills every default; bad input names the option. */
export function compileEvalConfig(
  options: EvalOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): EvalConfig {
  const d = EVAL_DEFAULTS;
  if (options.manifest === undefined || options.manifest.trim() === '')
    throw invalidArgument('manifest', 'is required (a JSON Lines file)');
  const path = options.path ?? d.path;
  if (!(EVAL_PATHS as readonly string[]).includes(path))
    throw invalidArgument('path', `must be one of ${EVAL_PATHS.join(', ')}`, path);
  const numbers = options.numbers ?? d.numbers;
  if (numbers !== 'spell' && numbers !== 'keep')
    throw invalidArgument('numbers', "must be 'spell' or 'keep'", numbers);
  // The engine path runs in this process: a server URL given with it would be silently unused.
  if (path === 'engine' && options.target !== undefined && options.target !== 'local')
    throw invalidArgument(
      'target',
      "must be 'local' (or absent) with --path engine",
      options.target,
    );
  const target = path === 'engine' ? 'local' : (options.target ?? env.VOXFLEET_URL ?? d.target);
  if (target !== 'local' && !/^https?:\/\/\S+$/.test(target))
    throw invalidArgument('target', "must be an http(s) URL or 'local'", target);
  const concurrency =
    options.concurrency ?? (path === 'ws-realtime' ? d.realtimeConcurrency : d.concurrency);
  positiveInteger('concurrency', concurrency);
  if (options.limit !== undefined) positiveInteger('limit', options.limit);
  const frameMs = options.frameMs ?? d.frameMs;
  if (!(Number.isInteger(frameMs) && frameMs >= 10 && frameMs <= 1000))
    throw invalidArgument('frame_ms', 'must be an integer from 10 to 1000', frameMs);
  const seed = options.seed ?? d.seed;
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff))
    throw invalidArgument('seed', 'must be an integer from 0 to 4294967295', seed);
  const resamples = options.resamples ?? d.resamples;
  if (!(Number.isInteger(resamples) && resamples >= 100 && resamples <= 100_000))
    throw invalidArgument('resamples', 'must be an integer from 100 to 100000', resamples);
  const maxRegression = options.maxRegression;
  if (maxRegression !== undefined && !(Number.isFinite(maxRegression) && maxRegression >= 0))
    throw invalidArgument(
      'max_regression',
      'must be a number >= 0 (percentage points)',
      maxRegression,
    );
  const gateMinUtterances = options.gateMinUtterances ?? d.gateMinUtterances;
  positiveInteger('gate_min_utterances', gateMinUtterances);
  const timeoutS = options.timeoutS;
  if (timeoutS !== undefined && !(Number.isFinite(timeoutS) && timeoutS > 0))
    throw invalidArgument('timeout_s', 'must be a number of seconds > 0', timeoutS);
  const tags = (options.tags ?? []).map((t) => t.trim()).filter((t) => t !== '');
  return Object.freeze({
    manifest: options.manifest,
    target,
    path: path as EvalPath,
    model: nonEmpty(options.model),
    language: nonEmpty(options.language)?.toLowerCase(),
    concurrency,
    numbers,
    out: nonEmpty(options.out),
    compare: nonEmpty(options.compare),
    limit: options.limit,
    tags: Object.freeze(tags),
    frameMs,
    seed,
    resamples,
    maxRegressionWer: maxRegression === undefined ? undefined : maxRegression / 100,
    gateMinUtterances,
    timeoutS,
  });
}

/**
 * Models `--target local` loads: the model under test, the compared model when it is a model
 * name, and the VAD every ASR path needs; the `serve` defaults when no model is named.
 */
export function localServeModels(config: EvalConfig, compareModel?: string): string[] {
  if (config.model === undefined && compareModel === undefined) return [...SERVE_DEFAULTS.models];
  const wanted = [config.model ?? 'whisper-tiny.en', compareModel, 'silero-vad'];
  return [...new Set(wanted.filter((m): m is string => m !== undefined))];
}

function positiveInteger(field: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1))
    throw invalidArgument(field, 'must be an integer >= 1', value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
