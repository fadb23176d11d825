/**
 * Dev-set WER per tag slice for each default model through each path `voxfleet eval` offers:
 * the engine directly (no server), REST, and WebSocket at real-time pace. The same audio and
 * model on every path, so a gap between paths is a serving problem, not a model one.
 *
 *   npm run bench:eval-matrix -- [--models whisper-tiny.en,whisper-base] [--paths engine,rest,ws-realtime]
 *
 * Runs the built CLI (`bin/voxfleet.js eval --target local`) once per model and path, keeps each
 * run's result.json under bench/results/eval-matrix/, and writes the per-slice table to
 * bench/results/eval-matrix.json (cells not run now keep their earlier figures). WER figures do not depend on machine load; the RTF and latency
 * columns do, so read them only from a quiet run.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { EvalResult } from '../src/eval/report/result-types.js';
import { describeMachine } from '../src/eval/runner/machine.js';
import { printTable } from './print-table.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'whisper-tiny.en,whisper-base' },
    paths: { type: 'string', default: 'engine,rest,ws-realtime' },
    limit: { type: 'string' },
  },
});
const SHARED = resolve('../shared');
const OUT = resolve('bench/results/eval-matrix');
mkdirSync(OUT, { recursive: true });

interface Cell {
  readonly model: string;
  readonly path: string;
  readonly wer: Record<string, { wer: number; utterances: number }>;
  readonly rtfP50: number | null;
  readonly failed: number;
}

const cells: Cell[] = [];
for (const model of values.models.split(',')) {
  for (const path of values.paths.split(',')) {
    const out = join(OUT, `${model}-${path}`);
    const args = [
      'bin/voxfleet.js',
      'eval',
      '--target',
      'local',
      '--data-dir',
      resolve('.data/bench'),
      '--mirror',
      join(SHARED, 'models'),
      '--manifest',
      join(SHARED, 'audio/dev/manifest.jsonl'),
      '--model',
      model,
      '--language',
      'en',
      '--path',
      path,
      '--out',
      out,
      ...(path === 'ws-realtime' ? ['--concurrency', '2'] : []),
      ...(values.limit !== undefined ? ['--limit', values.limit] : []),
    ];
    const started = Date.now();
    // Exit 1 means some items failed; the result file still says which.
    await run(process.execPath, args, { maxBuffer: 64 << 20 }).catch((err: unknown) => {
      if ((err as { code?: number }).code !== 1) throw err;
    });
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as EvalResult;
    const wer: Cell['wer'] = {};
    for (const s of result.scores.spell) wer[s.slice] = { wer: s.wer, utterances: s.utterances };
    cells.push({
      model,
      path,
      wer,
      rtfP50: result.summary.rtf?.p50 ?? null,
      failed: result.summary.failed,
    });
    console.error(
      `${model} ${path}: WER ${((wer.all?.wer ?? NaN) * 100).toFixed(1)} % in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

// Cells of model/path pairs not run now stay as the last run left them.
const RESULT = 'bench/results/eval-matrix.json';
if (existsSync(RESULT)) {
  const previous = (JSON.parse(readFileSync(RESULT, 'utf8')) as { cells: Cell[] }).cells;
  for (const old of previous)
    if (!cells.some((c) => c.model === old.model && c.path === old.path)) cells.push(old);
}
cells.sort((a, b) => a.model.localeCompare(b.model) || a.path.localeCompare(b.path));

const slices = [...new Set(cells.flatMap((c) => Object.keys(c.wer)))];
printTable(
  ['slice', ...cells.map((c) => `${c.model.replace('whisper-', '')} ${c.path}`)],
  slices.map((slice) => [
    `${slice} (${cells[0]?.wer[slice]?.utterances ?? '-'})`,
    ...cells.map((c) => {
      const w = c.wer[slice]?.wer;
      return w === undefined ? '-' : `${(w * 100).toFixed(1)}`;
    }),
  ]),
);
writeFileSync(
  RESULT,
  `${JSON.stringify(
    {
      schema: 'voxfleet.bench.eval-matrix/1',
      createdAt: new Date().toISOString(),
      machine: describeMachine(),
      normalization: 'numbers spelled out (docs/eval.md)',
      cells,
    },
    null,
    2,
  )}\n`,
);
