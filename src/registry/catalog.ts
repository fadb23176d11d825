/**
 * The catalog: the model versions voxfleet knows how to pull. The built-in one is data,
 * `catalog/models.json` at the package root (shipped in the npm package), read when asked for,
 * never at import time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VoxfleetError } from '../core/index.js';
import { parseManifest, type Manifest } from './manifest.js';
import { compareSemver } from './semver.js';

export interface Catalog {
  /** Every model version, sorted by name, then newest version first. */
  readonly models: readonly Manifest[];
  /**
   * Finds a version by `name`, `name@version` or alias; a bare name or alias gives the newest
   * version. Returns undefined when nothing matches.
   */
  find(ref: string): Manifest | undefined;
  /** Like find, but throws MODEL_NOT_FOUND listing the known names. */
  get(ref: string): Manifest;
  /** Model names, sorted, each once. */
  names(): string[];
}

/** `src/registry/` and `dist/registry/` both sit two levels below the package root. */
export const BUILTIN_CATALOG_PATH = fileURLToPath(
  new URL('../../catalog/models.json', import.meta.url),
);

/** Reads and validates the built-in catalog. Throws MODEL_MANIFEST_INVALID if it is broken. */
export function loadBuiltinCatalog(path: string = BUILTIN_CATALOG_PATH): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `catalog ${path} is not readable JSON`,
      {},
      { cause: err },
    );
  }
  const models = (json as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `catalog ${path}: 'models' must be an array`,
      { field: 'models' },
    );
  }
  return createCatalog(models.map((m, i) => parseManifest(m, `${path} models[${i}]`)));
}

/** Builds a catalog from parsed manifests; rejects duplicate versions and aliases claimed twice. */
export function createCatalog(manifests: readonly Manifest[]): Catalog {
  const models = [...manifests].sort(byNameThenNewest);
  const byName = new Map<string, Manifest[]>();
  for (const m of models) {
    const list = byName.get(m.name) ?? [];
    if (list.some((v) => v.version === m.version)) {
      throw new VoxfleetError(
        'MODEL_MANIFEST_INVALID',
        `catalog lists ${m.name}@${m.version} twice`,
        { field: 'version' },
      );
    }
    list.push(m);
    byName.set(m.name, list);
  }
  const aliasOwner = new Map<string, string>();
  for (const m of models) {
    for (const alias of m.aliases) {
      const owner = aliasOwner.get(alias);
      if (byName.has(alias) || (owner !== undefined && owner !== m.name)) {
        throw new VoxfleetError(
          'MODEL_MANIFEST_INVALID',
          `catalog: alias '${alias}' of ${m.name} is already a model name or another model's alias`,
          { field: 'aliases' },
        );
      }
      aliasOwner.set(alias, m.name);
    }
  }

  const find = (ref: string): Manifest | undefined => {
    const { name, version } = splitModelRef(ref);
    const owner = byName.has(name) ? name : aliasOwner.get(name);
    const versions = owner === undefined ? undefined : byName.get(owner);
    if (versions === undefined) return undefined;
    return version === undefined ? versions[0] : versions.find((m) => m.version === version);
  };
  const names = (): string[] => [...byName.keys()];
  return Object.freeze({
    models: Object.freeze(models),
    find,
    names,
    get(ref: string): Manifest {
      const m = find(ref);
      if (m !== undefined) return m;
      throw new VoxfleetError(
        'MODEL_NOT_FOUND',
        `unknown model '${ref}'; known models: ${names().join(', ') || '(none)'}`,
        { field: 'model' },
      );
    },
  });
}

/** `whisper-base@1.0.0` -> { name: 'whisper-base', version: '1.0.0' }; no `@` -> no version. */
export function splitModelRef(ref: string): { name: string; version: string | undefined } {
  const at = ref.lastIndexOf('@');
  if (at <= 0) return { name: ref, version: undefined };
  return { name: ref.slice(0, at), version: ref.slice(at + 1) };
}

export function byNameThenNewest(a: Manifest, b: Manifest): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return compareSemver(b.version, a.version);
}
