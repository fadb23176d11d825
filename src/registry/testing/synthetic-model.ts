/**
 * Small synthetic model folders for publish tests: a catalog manifest (whisper-tiny.en, so the
 * whole ASR contract is there) renamed, with a few bytes of made-up content in place of each
 * real file and the hashes to match. Never real weights.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { rawCatalogManifest, type RawManifest } from './manifests.js';

export interface SyntheticModelOptions {
  readonly name?: string;
  readonly version?: string;
  /** Seed of the made-up file contents: another seed, other bytes. */
  readonly seed?: string;
  /** Edits the raw manifest after the files are listed, before it is written. */
  readonly edit?: (m: RawManifest) => void;
}

/** Writes `<dir>/manifest.json` and the files it lists; returns the manifest as written. */
export async function writeSyntheticModel(
  dir: string,
  options: SyntheticModelOptions = {},
): Promise<RawManifest> {
  const m = rawCatalogManifest('whisper-tiny.en');
  m.name = options.name ?? 'test-asr';
  m.version = options.version ?? '2.0.0';
  m.aliases = [];
  m.description = 'Synthetic model for tests: made-up bytes, not loadable.';
  const seed = options.seed ?? 'a';
  for (const f of m.files as { path: string; bytes: number; sha256: string }[]) {
    const body = Buffer.from(`${seed}:${f.path}:`.repeat(40));
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), body);
    f.bytes = body.length;
    f.sha256 = createHash('sha256').update(body).digest('hex');
  }
  options.edit?.(m);
  await writeManifest(dir, m);
  return m;
}

export async function writeManifest(dir: string, m: RawManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
}

export function sha256Of(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex');
}
