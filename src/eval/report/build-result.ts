/** Turns a manifest run into the result.json document: scores, timings, config, machine. */
import type { NumberMode } from '../normalize-text.js';
import type { ManifestRun } from '../runner/run-manifest.js';
import type { UtteranceRun } from '../runner/transcribe-item.js';
import type { MachineInfo } from '../runner/machine.js';
import type { ServedModel } from '../runner/server-info.js';
import { summarizePercentiles } from './percentiles.js';
import {
  EVAL_RESULT_SCHEMA,
  EVAL_RESULT_VERSION,
  type EvalResult,
  type ResultConfig,
  type RunSummary,
  type ServedInfo,
  type UtteranceRecord,
} from './result-types.js';
import { scoreUtterances, scoringLanguage } from './score-utterances.js';

export const NUMBER_MODES: readonly NumberMode[] = ['spell', 'keep'];

/** What docs/eval.md says about normalisation, in one line each, for the result file. */
const NORMALIZATION_TEXT = {
  english:
    'normalizeText: NFKC; non-speech tags removed; lower-case; typographic apostrophes unified; ' +
    'dashes to spaces; numbers spelled out (spell) or kept as digits without thousands ' +
    'separators (keep); dotted initialisms joined; punctuation removed except in-word ' +
    'apostrophes; whitespace collapsed',
  otherLanguages:
    'normalizeMultilingual: NFKC; non-speech tags removed; lower-case; apostrophes unified; ' +
    'dashes, punctuation and symbols to spaces; separators between digits dropped; numbers ' +
    'never spelled; whitespace collapsed',
};

export interface BuildResultInput {
  readonly config: ResultConfig;
  readonly numbers: NumberMode;
  readonly run: ManifestRun;
  readonly servedModels: readonly ServedModel[];
  readonly machine: MachineInfo;
  readonly createdAt: Date;
}

export function buildEvalResult(input: BuildResultInput): EvalResult {
  const { run } = input;
  const ok = run.utterances.filter((u) => u.error === undefined);
  const languageOf = (u: UtteranceRun): string => scoringLanguage(u.language, u.itemLanguage);
  const inputs = ok.map((u) => ({
    id: u.id,
    tags: u.tags,
    ref: u.ref,
    hyp: u.hyp,
    language: languageOf(u),
  }));
  const spell = scoreUtterances(inputs, 'spell');
  const keep = scoreUtterances(inputs, 'keep');
  const scoreIndex = new Map(ok.map((u, i) => [u.id, i]));
  const utterances = run.utterances.map((u): UtteranceRecord => {
    const i = scoreIndex.get(u.id);
    return {
      id: u.id,
      audio: u.audioPath,
      tags: u.tags,
      language: languageOf(u),
      ref: u.ref,
      hyp: u.hyp,
      durationS: u.durationS,
      latencyMs: roundMs(u.latencyMs),
      rtf: u.durationS > 0 ? Math.round((u.latencyMs / 1000 / u.durationS) * 1e5) / 1e5 : 0,
      ...(u.firstPartialMs !== undefined ? { firstPartialMs: roundMs(u.firstPartialMs) } : {}),
      ...(u.finalMs !== undefined ? { finalMs: roundMs(u.finalMs) } : {}),
      ...(u.model !== undefined ? { model: u.model } : {}),
      ...(u.modelVersion !== undefined ? { modelVersion: u.modelVersion } : {}),
      ...(u.error !== undefined ? { error: u.error } : {}),
      ...(i !== undefined
        ? { scores: { spell: spell.utterances[i]!, keep: keep.utterances[i]! } }
        : {}),
    };
  });
  return {
    schema: EVAL_RESULT_SCHEMA,
    schemaVersion: EVAL_RESULT_VERSION,
    createdAt: input.createdAt.toISOString(),
    config: input.config,
    served: describeServed(ok, input.servedModels),
    normalization: { numbers: input.numbers, ...NORMALIZATION_TEXT },
    machine: input.machine,
    summary: summarize(run, ok),
    scores: { spell: spell.slices, keep: keep.slices },
    utterances,
  };
}

/** Per-utterance times are kept to 0.1 ms: finer is clock noise. */
function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function summarize(run: ManifestRun, ok: readonly UtteranceRun[]): RunSummary {
  const audioS = ok.reduce((s, u) => s + u.durationS, 0);
  const requestS = ok.reduce((s, u) => s + u.latencyMs / 1000, 0);
  const wallS = run.wallMs / 1000;
  const rtf = summarizePercentiles(
    ok.filter((u) => u.durationS > 0).map((u) => u.latencyMs / 1000 / u.durationS),
  );
  const defined = (values: (number | undefined)[]): number[] =>
    values.filter((v): v is number => v !== undefined);
  return {
    utterances: run.utterances.length,
    failed: run.utterances.length - ok.length,
    timedOut: run.utterances.filter((u) => u.error?.code === 'REQUEST_TIMEOUT').length,
    audioS,
    wallS,
    throughputX: wallS > 0 ? audioS / wallS : 0,
    rtf: rtf === null ? null : { ...rtf, total: audioS > 0 ? requestS / audioS : 0 },
    latencyMs: summarizePercentiles(ok.map((u) => u.latencyMs)),
    firstPartialMs: summarizePercentiles(defined(ok.map((u) => u.firstPartialMs))),
    finalMs: summarizePercentiles(defined(ok.map((u) => u.finalMs))),
  };
}

function describeServed(ok: readonly UtteranceRun[], models: readonly ServedModel[]): ServedInfo {
  const versions: Record<string, number> = {};
  for (const u of ok) {
    if (u.model === undefined) continue;
    const key = `${u.model}@${u.modelVersion ?? ''}`;
    versions[key] = (versions[key] ?? 0) + 1;
  }
  const top = Object.entries(versions).sort((a, b) => b[1] - a[1])[0]?.[0];
  const at = top?.lastIndexOf('@') ?? -1;
  return {
    model: top === undefined ? null : top.slice(0, at),
    modelVersion: top === undefined ? null : top.slice(at + 1),
    versions,
    models: models.map((m) => ({ id: m.id, version: m.version, kind: m.kind })),
  };
}
