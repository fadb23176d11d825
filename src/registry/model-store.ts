/**
 * The filesystem model store: what is installed under `<dataDir>/models`, pulling from the
 * catalog, verification, removal, and `loadVerified`, the only door through which an engine gets
 * a model. Opening a store touches nothing on disk; reads are synchronous scans of small JSON
 * files, done afresh on each call so a CLI pull shows up in a running server.
 */
import { rename, rm, rmdir } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { invalidArgument, systemClock, VoxfleetError, type Clock } from '../core/index.js';
import { loadBuiltinCatalog, splitModelRef, type Catalog } from './catalog.js';
import { isSafeRelativePath } from './engine-config.js';
import {
  listDirs,
  modelsDirOf,
  scanInstalled,
  versionDirOf,
  type BrokenInstall,
  type InstalledModel,
} from './installed-model.js';
import { MODEL_NAME_RE, type Manifest } from './manifest.js';
import { pullModel, type PullResult } from './pull.js';
import { describeUrl } from './http-source.js';
import { compilePullOptions, ENV_REGISTRY_URL, type PullOptions } from './pull-options.js';
import { findInRegistry } from './registry-lookup.js';
import { compareSemver, isSemver } from './semver.js';
import { createStagingDir } from './staging.js';
import { verifyFailure, verifyInstalled, type VerifyOptions, type VerifyReport } from './verify.js';

export interface ModelStoreOptions {
  /** The models `pull` knows about; defaults to the built-in catalog (catalog/models.json). */
  readonly catalog?: Catalog;
  /** Source of VOXFLEET_MODEL_MIRROR / VOXFLEET_REGISTRY_URL; defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Timers for download timeouts and retry delays. */
  readonly clock?: Clock;
}

export interface ModelStore {
  readonly dataDir: string;
  /** `<dataDir>/models`. */
  readonly modelsDir: string;
  readonly catalog: Catalog;
  /** Installed, readable model versions, sorted by name then newest version first. */
  list(): InstalledModel[];
  /** Version folders that cannot be used (bad manifest); `remove` clears them. */
  listBroken(): BrokenInstall[];
  /**
   * The installed version for `name`, `name@version` or an alias (newest version when none is
   * given); undefined when none is installed. Throws INVALID_ARGUMENT for an alias that two
   * different installed models claim.
   */
  resolve(ref: string): InstalledModel | undefined;
  /** Re-hashes every file of an installed model. Throws MODEL_NOT_INSTALLED. */
  verify(ref: string, options?: VerifyOptions): Promise<VerifyReport>;
  /**
   * What the worker calls before an engine loads a model: resolves it and re-hashes every file.
   * Throws MODEL_NOT_INSTALLED / MODEL_NOT_FOUND, or MODEL_HASH_MISMATCH naming the bad file.
   */
  loadVerified(ref: string, options?: VerifyOptions): Promise<InstalledModel>;
  /**
   * Installs a model version (`name`, `name@version` or alias). The built-in catalog is asked
   * first; what it does not know is looked up in the registry when one is configured
   * (`registryUrl` / VOXFLEET_REGISTRY_URL): `<url>/<name>/<version>/manifest.json`, or
   * `<url>/index.json` for a bare name. A verified install is a no-op. Throws MODEL_NOT_FOUND
   * (unknown name), MODEL_MANIFEST_INVALID, MODEL_HASH_MISMATCH, MODEL_DOWNLOAD_FAILED, CANCELLED.
   */
  pull(ref: string, options?: PullOptions): Promise<PullResult>;
  /**
   * The manifest of a version, without installing it: installed, else the built-in catalog,
   * else the registry when one is configured. Undefined when none holds it.
   */
  manifestOf(ref: string, options?: PullOptions): Promise<Manifest | undefined>;
  /**
   * Removes `name` (every installed version) or `name@version`; returns the folders removed as
   * `name@version`. Aliases are refused: removal names what it removes. Throws MODEL_NOT_INSTALLED.
   */
  remove(ref: string): Promise<string[]>;
}

export function openModelStore(dataDir: string, options: ModelStoreOptions = {}): ModelStore {
  const absDataDir = resolvePath(dataDir);
  const modelsDir = modelsDirOf(absDataDir);
  const catalog = options.catalog ?? loadBuiltinCatalog();
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;

  const list = (): InstalledModel[] =>
    scanInstalled(modelsDir).models.sort((a, b) =>
      a.name !== b.name ? (a.name < b.name ? -1 : 1) : compareSemver(b.version, a.version),
    );

  const resolve = (ref: string): InstalledModel | undefined => {
    const { name, version } = splitModelRef(ref);
    const installed = list();
    let candidates = installed.filter((m) => m.name === name);
    if (candidates.length === 0) {
      candidates = installed.filter((m) => m.manifest.aliases.includes(name));
      const owners = [...new Set(candidates.map((m) => m.name))];
      if (owners.length > 1) {
        throw invalidArgument(
          'model',
          `alias is claimed by ${owners.join(' and ')}; name one of them`,
          name,
        );
      }
    }
    return version === undefined ? candidates[0] : candidates.find((m) => m.version === version);
  };

  const requireInstalled = (ref: string): InstalledModel => {
    const model = resolve(ref);
    if (model !== undefined) return model;
    const known = catalog.find(ref);
    if (known !== undefined) {
      throw new VoxfleetError(
        'MODEL_NOT_INSTALLED',
        `model '${ref}' (${known.name}@${known.version}) is not installed; run: voxfleet models pull ${known.name}`,
        { field: 'model' },
      );
    }
    const installed = [...new Set(list().map((m) => m.name))];
    throw new VoxfleetError(
      'MODEL_NOT_FOUND',
      `unknown model '${ref}'; installed: ${installed.join(', ') || '(none)'}; in the catalog: ${catalog.names().join(', ')}`,
      { field: 'model' },
    );
  };

  return Object.freeze({
    dataDir: absDataDir,
    modelsDir,
    catalog,
    list,
    listBroken: () => scanInstalled(modelsDir).broken,
    resolve,
    async verify(ref: string, verifyOptions?: VerifyOptions): Promise<VerifyReport> {
      return verifyInstalled(requireInstalled(ref), verifyOptions);
    },
    async loadVerified(ref: string, verifyOptions?: VerifyOptions): Promise<InstalledModel> {
      const model = requireInstalled(ref);
      const report = await verifyInstalled(model, verifyOptions);
      if (!report.ok) throw verifyFailure(report);
      return model;
    },
    async pull(ref: string, pullOptions: PullOptions = {}): Promise<PullResult> {
      let manifest = catalog.find(ref);
      if (manifest === undefined && !hasRegistry(pullOptions, env)) catalog.get(ref); // throws
      const config = compilePullOptions(pullOptions, env, clock);
      manifest ??= await findInRegistry(ref, config);
      if (manifest === undefined) {
        throw new VoxfleetError(
          'MODEL_NOT_FOUND',
          `unknown model '${ref}': not in the built-in catalog (${catalog.names().join(', ')}) ` +
            `nor in the registry at ${describeUrl(config.registryUrl)}`,
          { field: 'model' },
        );
      }
      const existing = list().find(
        (m) => m.name === manifest.name && m.version === manifest.version,
      );
      return pullModel(modelsDir, manifest, config, existing);
    },
    async manifestOf(ref: string, pullOptions: PullOptions = {}): Promise<Manifest | undefined> {
      const known = resolve(ref)?.manifest ?? catalog.find(ref);
      if (known !== undefined || !hasRegistry(pullOptions, env)) return known;
      return findInRegistry(ref, compilePullOptions(pullOptions, env, clock));
    },
    async remove(ref: string): Promise<string[]> {
      return removeInstalled(modelsDir, ref, catalog);
    },
  });
}

async function removeInstalled(
  modelsDir: string,
  ref: string,
  catalog: Catalog,
): Promise<string[]> {
  const { name, version } = splitModelRef(ref);
  if (!MODEL_NAME_RE.test(name))
    throw invalidArgument('model', `must match ${String(MODEL_NAME_RE)}`, name);
  if (version !== undefined && !(isSemver(version) && isSafeRelativePath(version))) {
    throw invalidArgument('version', 'must be a semantic version', version);
  }
  const versions =
    version === undefined
      ? listDirs(join(modelsDir, name))
      : listDirs(join(modelsDir, name)).filter((v) => v === version);
  if (versions.length === 0) {
    const owner = catalog.find(name);
    const aliasNote =
      owner !== undefined && owner.name !== name
        ? `; '${name}' is an alias of ${owner.name}, remove it by name`
        : '';
    throw new VoxfleetError('MODEL_NOT_INSTALLED', `model '${ref}' is not installed${aliasNote}`, {
      field: 'model',
    });
  }
  const removed: string[] = [];
  for (const v of versions) {
    // Move out of sight first, so a crash mid-delete never leaves a half model that looks installed.
    const trash = await createStagingDir(modelsDir);
    await rename(versionDirOf(modelsDir, name, v), trash);
    await rm(trash, { recursive: true, force: true });
    removed.push(`${name}@${v}`);
  }
  await rmdir(join(modelsDir, name)).catch(() => {}); // only succeeds when no version is left
  return removed;
}

/** Whether a registry host was configured (the built-in placeholder host serves nothing). */
function hasRegistry(
  options: PullOptions,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return options.registryUrl !== undefined || (env[ENV_REGISTRY_URL] ?? '').trim() !== '';
}
