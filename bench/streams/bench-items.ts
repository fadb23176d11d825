/**
 * The utterances the stream benchmarks stream: clean dev items of 1-15 s, evenly spaced through
 * the list sorted by id (read sentences, card commands and single digits in the dev set's
 * proportions), written to a temporary manifest with absolute audio paths.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeWav } from '../../src/core/index.js';

export const DEV_DIR = resolve('../shared/audio/dev');

export interface BenchItem {
  readonly id: string;
  readonly audio: string;
  readonly text: string;
  readonly duration_s: number;
  readonly tags: readonly string[];
}

export function selectBenchItems(count: number): BenchItem[] {
  const eligible = readFileSync(join(DEV_DIR, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as BenchItem)
    .filter((i) => i.tags.includes('clean') && i.duration_s >= 1 && i.duration_s <= 15)
    .sort((a, b) => a.id.localeCompare(b.id));
  const want = Math.min(count, eligible.length);
  return Array.from(
    { length: want },
    (_, k) => eligible[Math.floor((k * eligible.length) / want)]!,
  );
}

/** Writes `items` as a manifest in the temp folder; returns its path. */
export function writeBenchManifest(items: readonly BenchItem[], name: string): string {
  const path = join(tmpdir(), `voxfleet-${name}-${process.pid}.jsonl`);
  writeFileSync(
    path,
    items.map((i) => JSON.stringify({ ...i, audio: join(DEV_DIR, i.audio) })).join('\n') + '\n',
  );
  return path;
}

/**
 * The same items as 16 kHz WAV files with `silenceMs` of silence after each, in a temp folder,
 * and their manifest: turns that outlast the endpoint, so every final waits for it (the items
 * themselves mostly end a moment after the last word, when the client closes the stream).
 */
export function writeSilenceEndedManifest(
  items: readonly BenchItem[],
  pcm: readonly Float32Array[],
  silenceMs: number,
  name: string,
): string {
  const dir = join(tmpdir(), `voxfleet-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const lines = items.map((item, k) => {
    const speech = pcm[k]!;
    const samples = new Float32Array(speech.length + Math.round((silenceMs / 1000) * 16000));
    samples.set(speech);
    const audio = join(dir, `${item.id}.wav`);
    writeFileSync(audio, encodeWav({ samples, sampleRateHz: 16000 }));
    return JSON.stringify({ ...item, audio });
  });
  const path = join(dir, 'manifest.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
