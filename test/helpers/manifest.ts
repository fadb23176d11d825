import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevItem {
  id: string;
  audio: string;
  text: string;
  duration_s: number;
  tags: string[];
  language?: string;
}

export function readItems(dir: string): DevItem[] {
  return readFileSync(join(dir, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const item = JSON.parse(l) as DevItem;
      return { ...item, audio: join(dir, item.audio) };
    });
}

/**
 * Writes a manifest holding only the dev items with these ids, audio paths made absolute, so a
 * CLI test can point at a small, known subset. Throws if an id is not in the dev manifest.
 */
export function writeSubsetManifest(devDir: string, ids: readonly string[], path: string): void {
  const raw = readFileSync(join(devDir, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as DevItem);
  const lines = ids.map((id) => {
    const item = raw.find((d) => d.id === id);
    if (item === undefined) throw new Error(`${id} is not in the dev manifest`);
    return JSON.stringify({ ...item, audio: join(devDir, item.audio) });
  });
  writeFileSync(path, `${lines.join('\n')}\n`);
}
