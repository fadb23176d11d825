/**
 * Catalog manifests as raw JSON for tests that edit them before parsing, and the same manifest
 * rewritten in schemaVersion 1 (no contract blocks), the form installs made before version 2 hold.
 */
import { readFileSync } from 'node:fs';
import { BUILTIN_CATALOG_PATH } from '../catalog.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON, edited freely by tests
export type RawManifest = Record<string, any>;

const rawCatalog = JSON.parse(readFileSync(BUILTIN_CATALOG_PATH, 'utf8')) as {
  models: RawManifest[];
};

/**
 * A fresh copy of a catalog manifest, as written in catalog/models.json. Tests edit 1.0.0 of a
 * name unless they say otherwise: the version every name has, whose settings are the worker's
 * defaults.
 */
export function rawCatalogManifest(name: string, version = '1.0.0'): RawManifest {
  const m = rawCatalog.models.find((x) => x.name === name && x.version === version);
  if (m === undefined) throw new Error(`no catalog model ${name}@${version}`);
  return structuredClone(m);
}

export function rawCatalogManifests(): RawManifest[] {
  return structuredClone(rawCatalog.models);
}

/** Rewrites `m` in place as a schemaVersion 1 manifest and returns it. */
export function asV1(m: RawManifest): RawManifest {
  m.schemaVersion = 1;
  for (const f of ['identity', 'preprocessing', 'decode', 'eval', 'controls']) delete m[f];
  const inputs = m.inputs as Record<string, unknown>;
  const outputs = m.outputs as Record<string, unknown>;
  for (const f of ['encoding', 'channels']) delete inputs[f];
  for (const f of ['schema', 'timestamps', 'confidence', 'encoding', 'channels']) delete outputs[f];
  return m;
}
