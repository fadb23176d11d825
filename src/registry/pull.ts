/**
 * Pulling one model version into the store: each file from the mirror folder when it is there,
 * otherwise over HTTP; every file hashed while it streams to a private staging folder; the folder
 * renamed into place only when all files match. Whatever fails, nothing half-done is installed.
 */
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VoxfleetError, type Clock } from '../core/index.js';
import { readFileChunks, writeVerified } from './hashing.js';
import { describeUrl, fetchChunks } from './http-source.js';
import {
  createInstalledModel,
  INSTALL_RECORD_FILE,
  MANIFEST_FILE,
  versionDirOf,
  type InstalledModel,
  type InstallRecord,
} from './installed-model.js';
import type { Manifest, ManifestFile } from './manifest.js';
import {
  DEFAULT_REGISTRY_URL,
  ENV_MODEL_MIRROR,
  ENV_REGISTRY_URL,
  fileUrl,
  isRetryableDownloadError,
  retryDelayFor,
  type PullConfig,
  type PullPhase,
} from './pull-options.js';
import { cleanStaleStaging, createStagingDir } from './staging.js';
import { verifyInstalled } from './verify.js';

export type PullOutcome = 'installed' | 'already-installed' | 'reinstalled';

export interface PullResult {
  readonly model: InstalledModel;
  /**
   * 'installed': fetched now. 'already-installed': present and verified, nothing fetched.
   * 'reinstalled': a damaged or different copy of the same version was replaced.
   */
  readonly outcome: PullOutcome;
}

const NO_HOST_HINT =
  `no public host serves voxfleet models yet: point ${ENV_MODEL_MIRROR} (mirrorDir) at a mirror folder ` +
  `or ${ENV_REGISTRY_URL} (registryUrl) at your own host`;

/** `existing`: the installed copy of this exact version, if the store has one. */
export async function pullModel(
  modelsDir: string,
  manifest: Manifest,
  config: PullConfig,
  existing: InstalledModel | undefined,
): Promise<PullResult> {
  try {
    throwIfCancelled(config.signal, manifest);
    if (existing !== undefined && sameFiles(existing.manifest, manifest)) {
      const report = await verifyInstalled(existing, {
        onProgress: config.onProgress,
        signal: config.signal,
      });
      if (report.ok) return { model: existing, outcome: 'already-installed' };
    }
    await cleanStaleStaging(modelsDir);
    return await installFresh(modelsDir, manifest, config);
  } catch (err) {
    if (config.signal?.aborted === true) throw cancelled(manifest, err);
    throw err;
  }
}

async function installFresh(
  modelsDir: string,
  manifest: Manifest,
  config: PullConfig,
): Promise<PullResult> {
  const staging = await createStagingDir(modelsDir);
  try {
    const origins: Record<string, 'mirror' | 'http'> = {};
    const progress = createProgress(manifest, config);
    for (const file of manifest.files) {
      throwIfCancelled(config.signal, manifest);
      const dest = join(staging, ...file.path.split('/'));
      await mkdir(dirname(dest), { recursive: true });
      const mirrorPath = await findInMirror(config.mirrorDir, manifest, file);
      if (mirrorPath !== undefined) {
        progress.startFile(file, 'copy');
        const from = `mirror ${mirrorPath}`;
        await writeVerified(
          readFileChunks(mirrorPath, config.signal),
          dest,
          file,
          from,
          progress.addBytes,
        );
        origins[file.path] = 'mirror';
      } else {
        await downloadWithRetry(
          fileUrl(config.registryUrl, manifest, file),
          dest,
          file,
          config,
          progress,
        );
        origins[file.path] = 'http';
      }
      progress.endFile();
    }
    const record: InstallRecord = { installedAt: new Date().toISOString(), files: origins };
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await writeFile(join(staging, INSTALL_RECORD_FILE), JSON.stringify(record, null, 2) + '\n');
    throwIfCancelled(config.signal, manifest);
    return await moveIntoPlace(modelsDir, staging, manifest, record, config);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function moveIntoPlace(
  modelsDir: string,
  staging: string,
  manifest: Manifest,
  record: InstallRecord,
  config: PullConfig,
): Promise<PullResult> {
  const finalDir = versionDirOf(modelsDir, manifest.name, manifest.version);
  await mkdir(dirname(finalDir), { recursive: true });
  // A damaged, different or unreadable copy is moved aside first (into staging, so a crash here
  // leaves garbage, never a mix of old and new files).
  let trash: string | undefined;
  if (await exists(finalDir)) {
    trash = await createStagingDir(modelsDir);
    await rename(finalDir, trash);
  }
  try {
    await rename(staging, finalDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    // Another process installed the same version meanwhile: keep theirs if it verifies.
    const theirs = createInstalledModel(finalDir, manifest);
    if ((await verifyInstalled(theirs, { signal: config.signal })).ok) {
      return { model: theirs, outcome: 'already-installed' };
    }
    throw err;
  } finally {
    if (trash !== undefined) await rm(trash, { recursive: true, force: true });
  }
  await syncDir(dirname(finalDir));
  return {
    model: createInstalledModel(finalDir, manifest, record),
    outcome: trash === undefined ? 'installed' : 'reinstalled',
  };
}

async function downloadWithRetry(
  url: string,
  dest: string,
  file: ManifestFile,
  config: PullConfig,
  progress: Progress,
): Promise<void> {
  const http = {
    fetch: config.fetch,
    clock: config.clock,
    signal: config.signal,
    responseTimeoutMs: config.responseTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    ...(config.registryUrl === DEFAULT_REGISTRY_URL && file.url === undefined
      ? { hint: NO_HOST_HINT }
      : {}),
  };
  for (let attempt = 1; ; attempt++) {
    progress.startFile(file, 'download');
    try {
      await writeVerified(fetchChunks(url, http), dest, file, describeUrl(url), progress.addBytes);
      return;
    } catch (err) {
      await rm(dest, { force: true });
      if (attempt >= config.maxAttemptsPerFile || !isRetryableDownloadError(err)) throw err;
      await sleep(config.clock, retryDelayFor(attempt, config), config.signal);
    }
  }
}

interface Progress {
  readonly startFile: (file: ManifestFile, phase: PullPhase) => void;
  readonly addBytes: (n: number) => void;
  readonly endFile: () => void;
}

/** Whole-model counters; a retried file restarts from zero, but reported bytes never go backwards. */
function createProgress(manifest: Manifest, config: PullConfig): Progress {
  const bytesTotal = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const filesTotal = manifest.files.length;
  let filesDone = 0;
  let doneBefore = 0; // bytes of completed files
  let fileBytes = 0;
  let reported = 0;
  let current: { file: ManifestFile; phase: PullPhase } | undefined;
  const emit = (): void => {
    if (current === undefined) return;
    reported = Math.max(reported, doneBefore + Math.min(fileBytes, current.file.bytes));
    config.onProgress({
      model: manifest.name,
      version: manifest.version,
      phase: current.phase,
      file: current.file.path,
      bytesDone: reported,
      bytesTotal,
      filesDone,
      filesTotal,
    });
  };
  return {
    startFile: (file, phase) => {
      current = { file, phase };
      fileBytes = 0;
      emit();
    },
    addBytes: (n) => {
      fileBytes += n;
      emit();
    },
    endFile: () => {
      if (current === undefined) return;
      doneBefore += current.file.bytes;
      fileBytes = 0;
      filesDone += 1;
      emit();
    },
  };
}

async function findInMirror(
  mirrorDir: string | undefined,
  manifest: Manifest,
  file: ManifestFile,
): Promise<string | undefined> {
  if (mirrorDir === undefined) return undefined;
  const path = join(mirrorDir, manifest.name, ...file.path.split('/'));
  try {
    return (await stat(path)).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

function sameFiles(a: Manifest, b: Manifest): boolean {
  const key = (m: Manifest): string =>
    JSON.stringify(m.files.map((f) => [f.path, f.bytes, f.sha256]));
  return key(a) === key(b);
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(new Error('aborted'));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function throwIfCancelled(signal: AbortSignal | undefined, manifest: Manifest): void {
  if (signal?.aborted === true) throw cancelled(manifest, signal.reason);
}

function cancelled(manifest: Manifest, cause: unknown): VoxfleetError {
  if (cause instanceof VoxfleetError && cause.code === 'CANCELLED') return cause;
  return new VoxfleetError(
    'CANCELLED',
    `pull of ${manifest.name}@${manifest.version} was cancelled`,
    {},
    { cause },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Makes a rename durable; best effort (not every platform can fsync a directory). */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // ignore
  }
}
