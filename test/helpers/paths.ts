import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = process.env.VOXFLEET_SHARED_DIR ?? resolve(REPO_ROOT, '..', 'shared');
export const MODELS_MIRROR = join(SHARED_DIR, 'models');
export const DEV_AUDIO = join(SHARED_DIR, 'audio', 'dev');
export const MULTILINGUAL_AUDIO = join(SHARED_DIR, 'audio', 'multilingual');
/** Models installed once per checkout for the integration tests (gitignored). */
export const TEST_DATA_DIR = join(REPO_ROOT, '.data', 'test');

if (!existsSync(MODELS_MIRROR)) {
  throw new Error(
    `integration tests need the model mirror at ${MODELS_MIRROR} (set VOXFLEET_SHARED_DIR)`,
  );
}
