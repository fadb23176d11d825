/** Writes an evaluation's files: result.json, report.html and, for a model compare, baseline.json. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EvalResult } from './result-types.js';
import { renderEvalHtml } from './render-html.js';

export interface EvalOutputs {
  readonly dir: string;
  readonly resultJson: string;
  readonly reportHtml: string;
  readonly baselineJson?: string;
}

/** `eval-results/<UTC date-time>-<model>-<path>`, relative to the working directory. */
export function defaultOutDir(result: EvalResult, at: Date = new Date(result.createdAt)): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const model = (result.served.model ?? result.config.model ?? 'default').replace(/[^\w.-]+/g, '_');
  return join('eval-results', `${stamp}-${model}-${result.config.path}`);
}

export async function writeEvalOutputs(
  dir: string,
  evaluation: { readonly result: EvalResult; readonly baseline?: EvalResult },
): Promise<EvalOutputs> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const resultJson = join(abs, 'result.json');
  const reportHtml = join(abs, 'report.html');
  await writeFile(resultJson, `${JSON.stringify(evaluation.result, null, 1)}\n`);
  await writeFile(reportHtml, renderEvalHtml(evaluation.result));
  if (evaluation.baseline === undefined) return { dir: abs, resultJson, reportHtml };
  const baselineJson = join(abs, 'baseline.json');
  await writeFile(baselineJson, `${JSON.stringify(evaluation.baseline, null, 1)}\n`);
  return { dir: abs, resultJson, reportHtml, baselineJson };
}
