/**
 * Models in the per-checkout test data folder. A bare name (`whisper-tiny.en`) resolves to the
 * newest version installed there, and a checkout may hold older ones (a test pinned one, or the
 * folder predates a catalog version), so every helper installs the catalog's newest version of
 * each name it is given first: a bare name then means what it means on a fresh install.
 */
import { loadBuiltinCatalog, openModelStore } from '../../src/registry/index.js';
import { MODELS_MIRROR, TEST_DATA_DIR } from './paths.js';

const catalog = loadBuiltinCatalog();

/** `name@version` of the catalog's newest version of `name` (or of the model an alias names). */
function newestRef(name: string): string {
  const m = catalog.get(name);
  return `${m.name}@${m.version}`;
}

/** What a bare `whisper-tiny.en` serves: the catalog's newest version. */
export const TINY_NEWEST = newestRef('whisper-tiny.en');

/**
 * Installs `models` into the test data folder, bare names as their newest catalog version.
 * Call it before starting anything that loads from the folder: several processes pulling into
 * one folder at once would race.
 */
export async function installModels(models: readonly string[]): Promise<void> {
  const store = openModelStore(TEST_DATA_DIR);
  for (const model of models) {
    const ref = model.includes('@') || catalog.find(model) === undefined ? model : newestRef(model);
    if (store.resolve(ref) === undefined) await store.pull(ref, { mirrorDir: MODELS_MIRROR });
  }
}
