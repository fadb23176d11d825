import { readFileSync } from 'node:fs';
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
