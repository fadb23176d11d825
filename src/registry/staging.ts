/**
 * Staging folders: every pull downloads into `models/.staging/<owner>/` and only a fully verified
 * folder is renamed into place, so a crash leaves nothing but staging garbage. Folders being
 * deleted are moved here first for the same reason. The next pull removes garbage whose owning
 * process is gone (same host), or that is older than a day (another host sharing the data folder).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const STAGING_DIR_NAME = '.staging';
/** ms after which a staging folder of another host is treated as abandoned. */
export const STALE_FOREIGN_STAGING_MS = 24 * 60 * 60 * 1000;

const OWNER_RE = /^(\d+)-([0-9a-f]{16})-(.+)$/;

function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
}

/** Creates a fresh, empty staging folder owned by this process; returns its absolute path. */
export async function createStagingDir(modelsDir: string): Promise<string> {
  const root = join(modelsDir, STAGING_DIR_NAME);
  await mkdir(root, { recursive: true });
  const dir = join(root, `${process.pid}-${randomBytes(8).toString('hex')}-${hostTag()}`);
  await mkdir(dir);
  return dir;
}

/**
 * Removes abandoned staging folders; returns the names removed. Folders of live processes on this
 * host are left alone, so concurrent pulls (CLI beside a running server) do not disturb each other.
 */
export async function cleanStaleStaging(
  modelsDir: string,
  nowMs: number = Date.now(),
): Promise<string[]> {
  const root = join(modelsDir, STAGING_DIR_NAME);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(root, name);
    if (await isAbandoned(name, path, nowMs)) {
      await rm(path, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

async function isAbandoned(name: string, path: string, nowMs: number): Promise<boolean> {
  const m = OWNER_RE.exec(name);
  if (m === null) return true; // not a name we write: garbage
  if (m[3] === hostTag()) return !isProcessAlive(Number(m[1]));
  try {
    return nowMs - (await stat(path)).mtimeMs > STALE_FOREIGN_STAGING_MS;
  } catch {
    return false;
  }
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
