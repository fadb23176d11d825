/**
 * Ties a manifest's `eval` block to its reports. `attachEvalReports` copies the reports into a
 * model folder, lists them in `files` (so they are addressed by sha256 like every other file)
 * and writes their summaries; `checkEvalSummaries`, which publish runs, derives each summary
 * again from its report and refuses a manifest whose summary differs or whose report measured
 * another model version.
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VoxfleetError } from '../core/index.js';
import { summarizeCapacityReport, summarizeEvalReport, type Summarised } from './eval-summary.js';
import { hashFile } from './hashing.js';
import { MANIFEST_FILE } from './installed-model.js';
import type { CapacitySummary, QualitySummary } from './manifest-contract.js';
import { parseManifest, type Manifest } from './manifest.js';

export type EvalPart = 'quality' | 'capacity';

/** Where `attachEvalReports` puts each report inside the model folder. */
export const EVAL_REPORT_FILES: Readonly<Record<EvalPart, string>> = Object.freeze({
  quality: 'eval/result.json',
  capacity: 'eval/capacity.json',
});

/** Paths of the reports to attach: `quality` a result.json, `capacity` a capacity.json. */
export type EvalReportPaths = Partial<Readonly<Record<EvalPart, string>>>;

function summarize(
  part: EvalPart,
  json: unknown,
  report: string,
): Summarised<QualitySummary | CapacitySummary> {
  return part === 'quality'
    ? summarizeEvalReport(json, report)
    : summarizeCapacityReport(json, report);
}

/**
 * Re-derives every summary in `manifest.eval` from its report under `dir` (the files already
 * verified against their sha256). Throws MODEL_MANIFEST_INVALID naming the first field that
 * differs, or the report that measured another version.
 */
export async function checkEvalSummaries(manifest: Manifest, dir: string): Promise<void> {
  for (const part of ['quality', 'capacity'] as const) {
    const given = manifest.eval?.[part];
    if (given === undefined) continue;
    const json = await readJson(join(dir, ...given.report.split('/')), given.report);
    const derived = summarize(part, json, given.report);
    checkMeasured(derived.measured, manifest, part, given.report);
    const diff = firstDifference(derived.summary, given);
    if (diff !== undefined) {
      const field = `eval.${part}${diff.path === '' ? '' : `.${diff.path}`}`;
      throw new VoxfleetError(
        'MODEL_MANIFEST_INVALID',
        `manifest '${manifest.name}': '${field}' is ${diff.given} but ${given.report} says ${diff.derived}; ` +
          'eval summaries are derived from the reports (voxfleet models attach-eval), not typed in',
        { field },
      );
    }
  }
}

/**
 * Copies the reports into `<dir>/eval/`, lists them in the manifest's `files` and writes their
 * summaries into its `eval` block; returns the updated, validated manifest. manifest.json is
 * rewritten only when the result is valid. The report's model@version must be the manifest's.
 */
export async function attachEvalReports(dir: string, reports: EvalReportPaths): Promise<Manifest> {
  const manifestPath = join(resolve(dir), MANIFEST_FILE);
  const raw = await readJson(manifestPath, manifestPath);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new VoxfleetError('MODEL_MANIFEST_INVALID', `${manifestPath} is not a JSON object`);
  }
  const m = raw as Record<string, unknown>;
  const ref = { name: String(m.name), version: String(m.version) };
  const files = Array.isArray(m.files) ? [...(m.files as unknown[])] : [];
  const evalBlock: Record<string, unknown> =
    typeof m.eval === 'object' && m.eval !== null ? { ...m.eval } : {};
  const copies: { from: string; to: string; sha256: string }[] = [];
  for (const part of ['quality', 'capacity'] as const) {
    const source = reports[part];
    if (source === undefined) continue;
    const target = EVAL_REPORT_FILES[part];
    const derived = summarize(part, await readJson(source, source), target);
    checkMeasured(derived.measured, ref, part, source);
    const { bytes, sha256 } = await hashFile(source);
    const entry = { path: target, bytes, sha256 };
    const at = files.findIndex((f) => (f as { path?: unknown } | null)?.path === target);
    if (at >= 0) files[at] = entry;
    else files.push(entry);
    evalBlock[part] = derived.summary;
    copies.push({ from: resolve(source), to: join(resolve(dir), ...target.split('/')), sha256 });
  }
  const updated = { ...m, files, eval: evalBlock };
  const manifest = parseManifest(updated, manifestPath);
  for (const c of copies) {
    if (c.from !== c.to) {
      await mkdir(join(c.to, '..'), { recursive: true });
      await copyFile(c.from, c.to);
    }
    if ((await hashFile(c.to)).sha256 !== c.sha256) {
      throw new VoxfleetError('MODEL_HASH_MISMATCH', `${c.from} changed while it was copied`);
    }
  }
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(updated, null, 2) + '\n');
  await rename(tmp, manifestPath);
  return manifest;
}

function checkMeasured(
  measured: readonly string[],
  manifest: { readonly name: string; readonly version: string },
  part: EvalPart,
  report: string,
): void {
  const ref = `${manifest.name}@${manifest.version}`;
  if (measured.length === 1 && measured[0] === ref) return;
  const what = measured.length === 0 ? 'no model (every request failed)' : measured.join(', ');
  throw new VoxfleetError(
    'MODEL_MANIFEST_INVALID',
    `manifest '${manifest.name}': ${report} measured ${what}, not ${ref}; attach a report of this version`,
    { field: `eval.${part}` },
  );
}

/** The first place two JSON values differ, as a dotted path, with both values shown. */
function firstDifference(
  derived: unknown,
  given: unknown,
  path = '',
): { path: string; derived: string; given: string } | undefined {
  const show = (v: unknown): string => {
    const text = v === undefined ? 'absent' : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const at = (key: string | number): string =>
    typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
  if (Array.isArray(derived) && Array.isArray(given)) {
    for (let i = 0; i < Math.max(derived.length, given.length); i++) {
      const d = firstDifference(derived[i], given[i], at(i));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (isObject(derived) && isObject(given)) {
    for (const key of new Set([...Object.keys(derived), ...Object.keys(given)])) {
      const d = firstDifference(derived[key], given[key], at(key));
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(derived, given)
    ? undefined
    : { path, derived: show(derived), given: show(given) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

async function readJson(path: string, shown: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `cannot read ${shown}: ${(err as Error).message}`,
      { field: shown },
      { cause: err },
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `${shown} is not valid JSON (${(err as Error).message})`,
      { field: shown },
      { cause: err },
    );
  }
}
