/**
 * Verification of an installed model against its manifest: every listed file present with the
 * right size and sha256, and nothing else in the folder (an engine that reads a directory, such as
 * espeak-ng-data, could otherwise load a file nobody hashed).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VoxfleetError } from '../core/index.js';
import { hashFile, hashMismatch, sizeMismatch } from './hashing.js';
import { INSTALL_RECORD_FILE, MANIFEST_FILE, type InstalledModel } from './installed-model.js';
import type { ProgressListener } from './pull-options.js';

export type FileCheckStatus = 'ok' | 'missing' | 'size-mismatch' | 'hash-mismatch' | 'unexpected';

export interface FileCheck {
  readonly path: string;
  readonly status: FileCheckStatus;
  /** Absent for 'unexpected' files, which the manifest does not list. */
  readonly expectedBytes?: number;
  readonly expectedSha256?: string;
  readonly actualBytes?: number;
  /** Present when the file was hashed (sizes matched). */
  readonly actualSha256?: string;
}

export interface VerifyReport {
  readonly ref: string;
  readonly dir: string;
  readonly ok: boolean;
  /** One entry per manifest file, in manifest order, then unexpected files. */
  readonly files: readonly FileCheck[];
  /** The entries whose status is not 'ok'. */
  readonly problems: readonly FileCheck[];
}

export interface VerifyOptions {
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

export async function verifyInstalled(
  model: InstalledModel,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const { manifest } = model;
  const bytesTotal = manifest.files.reduce((n, f) => n + f.bytes, 0);
  const filesTotal = manifest.files.length;
  let bytesDone = 0;
  let filesDone = 0;
  const report = (file: string): void =>
    options.onProgress?.({
      model: manifest.name,
      version: manifest.version,
      phase: 'verify',
      file,
      bytesDone,
      bytesTotal,
      filesDone,
      filesTotal,
    });

  const checks: FileCheck[] = [];
  for (const f of manifest.files) {
    const expected = { path: f.path, expectedBytes: f.bytes, expectedSha256: f.sha256 };
    const abs = model.pathOf(f.path);
    const size = await fileSize(abs);
    if (size === undefined) {
      checks.push({ ...expected, status: 'missing' });
    } else if (size !== f.bytes) {
      checks.push({ ...expected, status: 'size-mismatch', actualBytes: size });
    } else {
      const base = bytesDone;
      let fileBytes = 0;
      const onBytes = (n: number): void => {
        fileBytes += n;
        bytesDone = base + Math.min(fileBytes, f.bytes);
        report(f.path);
      };
      const got = await hashFile(abs, onBytes, options.signal);
      const status =
        got.bytes !== f.bytes ? 'size-mismatch' : got.sha256 === f.sha256 ? 'ok' : 'hash-mismatch';
      checks.push({ ...expected, status, actualBytes: got.bytes, actualSha256: got.sha256 });
      bytesDone = base;
    }
    bytesDone += f.bytes;
    filesDone += 1;
    report(f.path);
  }

  const listed = new Set(manifest.files.map((f) => f.path));
  for (const rel of await listFilesRecursive(model.dir)) {
    if (!listed.has(rel) && rel !== MANIFEST_FILE && rel !== INSTALL_RECORD_FILE) {
      checks.push({ path: rel, status: 'unexpected' });
    }
  }
  const problems = checks.filter((c) => c.status !== 'ok');
  return Object.freeze({
    ref: model.ref,
    dir: model.dir,
    ok: problems.length === 0,
    files: checks,
    problems,
  });
}

/** The MODEL_HASH_MISMATCH error for a failed report, naming its first problem. */
export function verifyFailure(report: VerifyReport): VoxfleetError {
  const p = report.problems[0];
  if (p === undefined) throw new RangeError('verifyFailure() needs a report with problems');
  const from = `installed ${report.ref}`;
  const more = report.problems.length > 1 ? ` (and ${report.problems.length - 1} more)` : '';
  const expected = { path: p.path, bytes: p.expectedBytes ?? 0, sha256: p.expectedSha256 ?? '' };
  let err: VoxfleetError;
  switch (p.status) {
    case 'hash-mismatch':
      err = hashMismatch(expected, p.actualSha256 ?? '', from);
      break;
    case 'size-mismatch':
      err = sizeMismatch(expected, String(p.actualBytes), p.actualSha256, from);
      break;
    case 'missing':
      err = new VoxfleetError('MODEL_HASH_MISMATCH', `${p.path} of ${from} is missing`, {
        field: p.path,
      });
      break;
    default:
      err = new VoxfleetError(
        'MODEL_HASH_MISMATCH',
        `${p.path} in ${report.dir} is not in the manifest`,
        { field: p.path },
      );
  }
  return new VoxfleetError(err.code, `${err.message}${more}`, err.details);
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** Every non-directory entry below `dir`, as POSIX paths relative to it. */
async function listFilesRecursive(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory()) out.push(...(await listFilesRecursive(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}
