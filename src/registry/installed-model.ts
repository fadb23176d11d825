/**
 * The on-disk layout of installed models and how they are read back:
 *
 *   <dataDir>/models/<name>/<version>/   the model's files, manifest.json, install.json
 *   <dataDir>/models/.staging/           pulls in progress and folders being deleted
 *
 * A version folder only ever appears through an atomic rename of a fully verified staging folder,
 * so its existence means "complete"; the content is still re-hashed before every load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { invalidArgument, VoxfleetError } from '../core/index.js';
import { isSafeRelativePath, resolveEngineConfig, type EngineSpec } from './engine-config.js';
import { parseManifest, type Manifest } from './manifest.js';

export const MANIFEST_FILE = 'manifest.json';
export const INSTALL_RECORD_FILE = 'install.json';

/** Where each file of an installed model came from, written at install time. */
export interface InstallRecord {
  /** ISO 8601 time of the install. */
  readonly installedAt: string;
  readonly files: Readonly<Record<string, 'mirror' | 'http'>>;
}

export interface InstalledModel {
  readonly name: string;
  readonly version: string;
  /** `name@version`. */
  readonly ref: string;
  /** Absolute path of the version folder. */
  readonly dir: string;
  readonly manifest: Manifest;
  readonly installRecord: InstallRecord | undefined;
  /**
   * Absolute path of a file (or directory of files) listed in the manifest. Throws
   * INVALID_ARGUMENT for paths the manifest does not list, so typos fail loudly.
   */
  pathOf(relPath: string): string;
  /** The manifest's engine block, a fresh mutable copy with absolute file paths. */
  engineConfig(): EngineSpec;
}

/** A version folder that cannot be used (unreadable or invalid manifest, wrong folder name). */
export interface BrokenInstall {
  readonly dir: string;
  readonly error: VoxfleetError;
}

export function modelsDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'models');
}

export function versionDirOf(modelsDir: string, name: string, version: string): string {
  return join(modelsDir, name, version);
}

export function createInstalledModel(
  dir: string,
  manifest: Manifest,
  installRecord?: InstallRecord,
): InstalledModel {
  const listed = new Set(manifest.files.map((f) => f.path));
  const pathOf = (relPath: string): string => {
    const known =
      isSafeRelativePath(relPath) &&
      (listed.has(relPath) || [...listed].some((p) => p.startsWith(relPath + '/')));
    if (!known)
      throw invalidArgument(
        'path',
        `must be a file or directory listed in ${manifest.name}'s manifest`,
        relPath,
      );
    return join(dir, ...relPath.split('/'));
  };
  return Object.freeze({
    name: manifest.name,
    version: manifest.version,
    ref: `${manifest.name}@${manifest.version}`,
    dir,
    manifest,
    installRecord,
    pathOf,
    engineConfig: () => resolveEngineConfig(manifest.engine, pathOf),
  });
}

/** Reads every installed version folder, synchronously (a few small JSON files). */
export function scanInstalled(modelsDir: string): {
  models: InstalledModel[];
  broken: BrokenInstall[];
} {
  const models: InstalledModel[] = [];
  const broken: BrokenInstall[] = [];
  for (const name of listDirs(modelsDir)) {
    for (const version of listDirs(join(modelsDir, name))) {
      const dir = join(modelsDir, name, version);
      try {
        models.push(readInstalled(dir, name, version));
      } catch (err) {
        const error =
          err instanceof VoxfleetError
            ? err
            : new VoxfleetError(
                'MODEL_MANIFEST_INVALID',
                `${dir}: cannot read ${MANIFEST_FILE}`,
                {},
                { cause: err },
              );
        broken.push({ dir, error });
      }
    }
  }
  return { models, broken };
}

function readInstalled(dir: string, name: string, version: string): InstalledModel {
  const manifestPath = join(dir, MANIFEST_FILE);
  const manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')), manifestPath);
  if (manifest.name !== name || manifest.version !== version) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `${manifestPath} describes ${manifest.name}@${manifest.version} but sits in ${name}/${version}`,
      { field: 'name' },
    );
  }
  return createInstalledModel(dir, manifest, readInstallRecord(dir));
}

function readInstallRecord(dir: string): InstallRecord | undefined {
  try {
    const raw = JSON.parse(
      readFileSync(join(dir, INSTALL_RECORD_FILE), 'utf8'),
    ) as Partial<InstallRecord>;
    if (typeof raw.installedAt !== 'string' || typeof raw.files !== 'object' || raw.files === null)
      return undefined;
    return { installedAt: raw.installedAt, files: raw.files };
  } catch {
    return undefined; // provenance only; its absence does not make a model unusable
  }
}

/** Sub-folder names, skipping dot-folders (.staging) and plain files; [] when `dir` is absent. */
export function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}
