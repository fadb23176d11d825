/**
 * The embedded server's rollouts, kept in one JSON file so a restart resumes a rollout where it
 * stood (a rollout runs for hours; a restart in between must not put every user back on the
 * baseline, or forget an audit log). One process owns the file: each change is written to a
 * temporary file and renamed over it, so a crash leaves the old state or the new, never half.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { VoxfleetError } from '../core/index.js';
import { MemoryVersionedStore, type VersionedSnapshot } from './rollout-store.js';

const SCHEMA = 'voxfleet.releases/1';

export function openFileVersionedStore(path: string): MemoryVersionedStore {
  mkdirSync(dirname(path), { recursive: true });
  const initial = readSnapshot(path);
  return new MemoryVersionedStore({
    ...(initial !== undefined ? { initial } : {}),
    persist: (snapshot) => {
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ schema: SCHEMA, ...snapshot }));
      renameSync(temporary, path);
    },
  });
}

function readSnapshot(path: string): VersionedSnapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = parseOrUndefined(text) as (VersionedSnapshot & { schema?: unknown }) | undefined;
  if (
    parsed?.schema !== SCHEMA ||
    !Number.isInteger(parsed.lastRevision) ||
    typeof parsed.entries !== 'object'
  )
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `${path} is not a voxfleet releases file (${SCHEMA}); move it away to start empty`,
      { field: 'releases_file' },
    );
  return parsed;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
