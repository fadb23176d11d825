/**
 * Test-only paths, resolved from this file (not the cwd): the repository root and the shared
 * model mirror beside the checkout (`../shared/models`), which CI provides.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SHARED_MODELS_DIR = resolve(REPO_ROOT, '../shared/models');

/** `false` when the mirror is present, else the reason to give `test(..., { skip })`. */
export const SKIP_WITHOUT_MIRROR: false | string = existsSync(
  resolve(SHARED_MODELS_DIR, 'silero-vad'),
)
  ? false
  : `model mirror not found at ${SHARED_MODELS_DIR} (expected ../shared/models beside the repository)`;
