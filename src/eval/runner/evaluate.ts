/**
 * The whole of `voxfleet eval` against one target (a server URL, or the in-process transcriber
 * of the engine path): read and filter the manifest, run it through the chosen path, score it,
 * and compare with a baseline (a second model run on the same audio, or a previous
 * result.json). The caller owns the target (`--target local` and the engine path are started
 * and stopped by the CLI) and the output files.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { VoxfleetError, invalidArgument, type Clock } from '../../core/index.js';
import { compareResults } from '../compare/compare-results.js';
import { resolveCompareSource } from '../compare/compare-source.js';
import { readManifest } from '../manifest.js';
import { buildEvalResult } from '../report/build-result.js';
import { parseEvalResultJson } from '../report/result-schema.js';
import type { EvalResult } from '../report/result-types.js';
import type { EvalConfig } from './eval-config.js';
import { describeTarget, type EvalTarget } from './eval-target.js';
import { runManifest, selectItems } from './run-manifest.js';
import { describeMachine } from './machine.js';
import { fetchServedModels, findServedModel, type ServedModel } from './server-info.js';
import type { UtteranceRun } from './transcribe-item.js';

export interface EvaluateOptions {
  /** Where requests go: a server (for `--target local`, the embedded one), or in-process. */
  readonly target: EvalTarget;
  /** Progress of each run; `label` is the model under test or the compared model. */
  readonly onProgress?: (label: string, done: number, total: number, u: UtteranceRun) => void;
  /** Called before each run starts. */
  readonly onRunStart?: (label: string, total: number) => void;
  readonly now?: () => number;
  readonly date?: () => Date;
  /** Runs the per-request deadline timers; the system clock by default. */
  readonly clock?: Clock;
}

export interface Evaluation {
  /** This run; carries `comparison` when --compare was given. */
  readonly result: EvalResult;
  /** The compared model's own run, when --compare named a model. */
  readonly baseline?: EvalResult;
}

/** Exit status for a finished evaluation: 3 gate failed, 1 some request failed, else 0. */
export function exitCodeFor(evaluation: Evaluation): number {
  if (evaluation.result.comparison?.gate.failed === true) return 3;
  return evaluation.result.summary.failed > 0 ? 1 : 0;
}

export async function evaluate(config: EvalConfig, options: EvaluateOptions): Promise<Evaluation> {
  const all = await readManifest(config.manifest);
  const items = selectItems(all, config);
  if (items.length === 0)
    throw invalidArgument('tags', 'match no item of the manifest', config.tags.join(','));
  const source = config.compare === undefined ? undefined : resolveCompareSource(config.compare);
  // A bad baseline file fails before minutes of transcription, not after.
  const previous = source?.kind === 'result' ? await readResultFile(source.path) : undefined;
  const { target } = options;
  if ((config.path === 'engine') !== (target.kind === 'in-process'))
    throw new VoxfleetError(
      'INTERNAL',
      `--path ${config.path} cannot run on a ${target.kind} target`,
    );
  const url = describeTarget(target);
  const servedModels =
    target.kind === 'server'
      ? await fetchServedModels(target.baseUrl)
      : [...target.transcriber.models];
  // A model the target does not serve would fail every request: say so before the run.
  requireServed(servedModels, config.model, 'model', url);
  if (source?.kind === 'model') requireServed(servedModels, source.model, 'compare', url);
  const machine = describeMachine();
  const date = options.date ?? (() => new Date());

  const runOne = async (model: string | undefined): Promise<EvalResult> => {
    const label = model ?? 'default model';
    options.onRunStart?.(label, items.length);
    const createdAt = date();
    const run = await runManifest(items, {
      target,
      path: config.path,
      model,
      language: config.language,
      concurrency: config.concurrency,
      frameMs: config.frameMs,
      timeoutS: config.timeoutS,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.onProgress
        ? {
            onUtterance: (d: number, t: number, u: UtteranceRun) =>
              options.onProgress!(label, d, t, u),
          }
        : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    return buildEvalResult({
      config: {
        manifest: resolve(config.manifest),
        target: config.target,
        url,
        path: config.path,
        model: model ?? null,
        language: config.language ?? null,
        concurrency: config.concurrency,
        frameMs: config.frameMs,
        limit: config.limit ?? null,
        tags: config.tags,
        timeoutS: config.timeoutS ?? null,
      },
      numbers: config.numbers,
      run,
      servedModels,
      machine,
      createdAt,
    });
  };

  const result = await runOne(config.model);
  if (source === undefined) return { result };
  const baseline = source.kind === 'model' ? await runOne(source.model) : previous!;
  const comparison = compareResults(result, baseline, {
    baseline:
      source.kind === 'model'
        ? { kind: 'model', source: source.model }
        : { kind: 'result', source: source.path },
    numbers: config.numbers,
    seed: config.seed,
    resamples: config.resamples,
    maxRegressionWer: config.maxRegressionWer,
    minGateUtterances: config.gateMinUtterances,
  });
  return {
    result: { ...result, comparison },
    ...(source.kind === 'model' ? { baseline } : {}),
  };
}

async function readResultFile(path: string): Promise<EvalResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new VoxfleetError(
      'NOT_FOUND',
      `--compare: result file ${path} cannot be read`,
      { field: 'compare' },
      { cause: err },
    );
  }
  return parseEvalResultJson(text, path);
}

function requireServed(
  models: readonly ServedModel[],
  ref: string | undefined,
  field: string,
  where: string,
): void {
  if (ref === undefined || models.length === 0 || findServedModel(models, ref) !== undefined)
    return;
  const list = models.map((m) => m.id).join(', ');
  throw new VoxfleetError(
    'MODEL_NOT_FOUND',
    `--${field} '${ref}' is not served by ${where} (it serves ${list})`,
    { field },
  );
}
