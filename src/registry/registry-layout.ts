/**
 * A file-system registry, laid out exactly as `pull` reads a registry over HTTP, so any static
 * file server (or `python -m http.server`) serves it unchanged:
 *
 *   <registry>/index.json                       every version's manifest, catalog-shaped
 *   <registry>/<name>/<version>/manifest.json   one version's manifest
 *   <registry>/<name>/<version>/<path>          its files, one per manifest entry
 *   <registry>/.staging/                        publishes in progress (never served as a version)
 *
 * A version folder only ever appears through the rename of a complete, verified staging
 * folder, and is never changed afterwards. index.json is derived from the version folders and
 * may be rewritten at any time; `pull name@version` does not need it, `pull name` does.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { byNameThenNewest } from './catalog.js';
import { canonicalJson } from './hashing.js';
import { listDirs, MANIFEST_FILE } from './installed-model.js';
import { parseManifest, type Manifest } from './manifest.js';

export const REGISTRY_INDEX_FILE = 'index.json';
/** The catalog file format index.json shares with catalog/models.json. */
export const CATALOG_FORMAT_VERSION = 1;

export function publishedDirOf(registryDir: string, name: string, version: string): string {
  return join(registryDir, name, version);
}

/** The manifest of a published version; undefined when the version folder does not exist. */
export async function readPublishedManifest(versionDir: string): Promise<Manifest | undefined> {
  const path = join(versionDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
  return parseManifest(JSON.parse(text), path);
}

/** Every readable published manifest, sorted by name, then newest version first. */
export async function scanPublished(registryDir: string): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const name of listDirs(registryDir)) {
    for (const version of listDirs(join(registryDir, name))) {
      try {
        const m = await readPublishedManifest(publishedDirOf(registryDir, name, version));
        if (m !== undefined && m.name === name && m.version === version) out.push(m);
      } catch {
        // Not a version publish wrote (hand-made or damaged): not listed.
      }
    }
  }
  return out.sort(byNameThenNewest);
}

/**
 * Rewrites index.json from the version folders (temp file, then rename). Two publishers
 * finishing together could each write a list without the other's version; each one reads the
 * folders again after writing and rewrites until what it wrote is what is there, so the last
 * write always lists every version published before it.
 */
export async function writeRegistryIndex(registryDir: string): Promise<void> {
  const indexPath = join(registryDir, REGISTRY_INDEX_FILE);
  for (let round = 0; round < 5; round++) {
    const models = await scanPublished(registryDir);
    const text = JSON.stringify({ catalogVersion: CATALOG_FORMAT_VERSION, models }, null, 2) + '\n';
    const tmp = join(registryDir, `.${REGISTRY_INDEX_FILE}.${process.pid}.${round}.tmp`);
    try {
      await writeFile(tmp, text);
      await rename(tmp, indexPath);
    } finally {
      await rm(tmp, { force: true });
    }
    const after = await scanPublished(registryDir);
    if (canonicalJson(after) === canonicalJson(models)) return;
  }
}
