/**
 * `voxfleet capacity` options: user input in, a frozen config out with every default filled.
 * The defaults live in this one table, each with its unit; bad input names the option.
 */
import { existsSync } from 'node:fs';
import { invalidArgument } from '../../core/index.js';

export interface CapacityOptions {
  model?: string;
  target?: string;
  manifest?: string;
  /** A list, or the command line's comma-separated string. */
  frameMs?: readonly number[] | string;
  sloFinalP95Ms?: number;
  sloFirstPartialP95Ms?: number;
  maxErrorRate?: number;
  stepDurationS?: number;
  maxStreams?: number;
  out?: string;
}

/** The service level a step must meet. */
export interface CapacitySlo {
  readonly finalP95Ms: number;
  readonly firstPartialP95Ms: number;
  /** Failed turns / all turns, 0..1. Any refused session fails a step regardless. */
  readonly maxErrorRate: number;
}

export interface CapacityConfig {
  readonly model: string;
  /** An http(s) URL, or 'local' for a server started in this process. */
  readonly target: string;
  readonly manifest: string;
  /** True when --manifest was omitted and the dev set's clean items are used. */
  readonly manifestIsDefault: boolean;
  readonly frameMs: readonly number[];
  readonly slo: CapacitySlo;
  readonly stepDurationMs: number;
  /** Turns still running this long after a step's duration are cut off (and count as failed). */
  readonly stepDrainMs: number;
  readonly maxStreams: number;
  readonly out: string | undefined;
}

export const CAPACITY_DEFAULTS = Object.freeze({
  target: 'http://127.0.0.1:8080',
  /** Used when --manifest is omitted and this file exists (clean items only). */
  manifest: '../shared/audio/dev/manifest.jsonl',
  /** Milliseconds of audio per WebSocket frame, one capacity row each. */
  frameMs: [100, 160, 320] as readonly number[],
  /** Milliseconds, p95 of final-after-end-of-speech latency. */
  sloFinalP95Ms: 1500,
  /** Milliseconds, p95 of first-partial latency. */
  sloFirstPartialP95Ms: 1000,
  /** Fraction of failed turns allowed per step. */
  maxErrorRate: 0.01,
  /** Seconds of load per search step. */
  stepDurationS: 30,
  /** Seconds, at least, that in-flight turns get after a step (also at least its duration). */
  minStepDrainS: 10,
  /** Streams: the search's upper bound. */
  maxStreams: 64,
  /** Hard bounds. */
  maxStreamsLimit: 1000,
  maxStepDurationS: 600,
  minFrameMs: 20,
  maxFrameMs: 1000,
});

/** Validates capacity options once and fills every default. */
export function compileCapacityConfig(
  options: CapacityOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
  fileExists: (path: string) => boolean = existsSync,
): CapacityConfig {
  const d = CAPACITY_DEFAULTS;
  const model = options.model?.trim() ?? '';
  if (model === '') throw invalidArgument('model', 'is required (a model name or alias)');
  const target = options.target ?? env.VOXFLEET_URL ?? d.target;
  if (target !== 'local' && !/^https?:\/\/\S+$/.test(target))
    throw invalidArgument('target', "must be an http(s) URL or 'local'", target);
  let manifest = options.manifest?.trim() ?? '';
  const manifestIsDefault = manifest === '';
  if (manifestIsDefault) {
    if (!fileExists(d.manifest))
      throw invalidArgument('manifest', `is required (${d.manifest} does not exist here)`);
    manifest = d.manifest;
  }
  const frameMs = parseFrameList(options.frameMs ?? d.frameMs);
  const sloFinalP95Ms = options.sloFinalP95Ms ?? d.sloFinalP95Ms;
  positiveNumber('slo_final_p95_ms', sloFinalP95Ms);
  const sloFirstPartialP95Ms = options.sloFirstPartialP95Ms ?? d.sloFirstPartialP95Ms;
  positiveNumber('slo_first_partial_p95_ms', sloFirstPartialP95Ms);
  const maxErrorRate = options.maxErrorRate ?? d.maxErrorRate;
  if (!(Number.isFinite(maxErrorRate) && maxErrorRate >= 0 && maxErrorRate <= 1))
    throw invalidArgument('max_error_rate', 'must be a number from 0 to 1', maxErrorRate);
  const stepDurationS = options.stepDurationS ?? d.stepDurationS;
  if (!(Number.isFinite(stepDurationS) && stepDurationS > 0 && stepDurationS <= d.maxStepDurationS))
    throw invalidArgument(
      'step_duration_s',
      `must be a number > 0 and <= ${d.maxStepDurationS}`,
      stepDurationS,
    );
  const maxStreams = options.maxStreams ?? d.maxStreams;
  if (!(Number.isInteger(maxStreams) && maxStreams >= 1 && maxStreams <= d.maxStreamsLimit))
    throw invalidArgument(
      'max_streams',
      `must be an integer from 1 to ${d.maxStreamsLimit}`,
      maxStreams,
    );
  const out = options.out?.trim();
  return Object.freeze({
    model,
    target,
    manifest,
    manifestIsDefault,
    frameMs: Object.freeze(frameMs),
    slo: Object.freeze({
      finalP95Ms: sloFinalP95Ms,
      firstPartialP95Ms: sloFirstPartialP95Ms,
      maxErrorRate,
    }),
    stepDurationMs: stepDurationS * 1000,
    stepDrainMs: Math.max(d.minStepDrainS, stepDurationS) * 1000,
    maxStreams,
    out: out === undefined || out === '' ? undefined : out,
  });
}

function parseFrameList(value: readonly number[] | string): number[] {
  const d = CAPACITY_DEFAULTS;
  const list =
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map(Number)
      : [...value];
  const rule = `must be a comma-separated list of integers from ${d.minFrameMs} to ${d.maxFrameMs}`;
  if (list.length === 0) throw invalidArgument('frame_ms', rule, value);
  for (const f of list)
    if (!(Number.isInteger(f) && f >= d.minFrameMs && f <= d.maxFrameMs))
      throw invalidArgument('frame_ms', rule, value);
  return [...new Set(list)];
}

function positiveNumber(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw invalidArgument(field, 'must be a number > 0', value);
}
