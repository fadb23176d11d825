/** Writes capacity.md and capacity.json into one folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CapacityResult } from './capacity-types.js';
import { renderCapacityMarkdown } from './render-markdown.js';

export interface CapacityOutputs {
  readonly dir: string;
  readonly markdown: string;
  readonly json: string;
}

/** `capacity-results/<UTC date-time>-<model>`, relative to the working directory. */
export function defaultCapacityDir(result: CapacityResult): string {
  const stamp = new Date(result.createdAt)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return join('capacity-results', `${stamp}-${result.model.id.replace(/[^\w.-]/g, '_')}`);
}

export async function writeCapacityOutputs(
  dir: string,
  result: CapacityResult,
): Promise<CapacityOutputs> {
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  const markdown = join(abs, 'capacity.md');
  const json = join(abs, 'capacity.json');
  await writeFile(markdown, renderCapacityMarkdown(result));
  await writeFile(json, `${JSON.stringify(result, null, 1)}\n`);
  return { dir: abs, markdown, json };
}
