/** Writes loadtest.json and loadtest.html into one folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadtestResult } from './loadtest-types.js';
import { renderLoadtestHtml } from './render-html.js';

export interface LoadtestOutputs {
  readonly dir: string;
  readonly json: string;
  readonly html: string;
}

/** `loadtest-results/<UTC date-time>-<mode>-x<streams>`, relative to the working directory. */
export function defaultLoadtestDir(result: LoadtestResult): string {
  const stamp = new Date(result.createdAt)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return join('loadtest-results', `${stamp}-${result.config.mode}-x${result.config.streams}`);
}

export async function writeLoadtestOutputs(
  dir: string,
  result: LoadtestResult,
): Promise<LoadtestOutputs> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const json = join(abs, 'loadtest.json');
  const html = join(abs, 'loadtest.html');
  await writeFile(json, `${JSON.stringify(result, null, 1)}\n`);
  await writeFile(html, renderLoadtestHtml(result));
  return { dir: abs, json, html };
}
