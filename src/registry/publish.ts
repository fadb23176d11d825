/**
 * Publishing one model version into a file-system registry (registry-layout.ts). A version is
 * immutable and complete:
 *
 * - the manifest must be schemaVersion 2 and valid; its eval summaries must match its reports;
 * - every listed file is copied from the source folder into a private staging folder and hashed
 *   on the way; a size or sha256 that differs from the manifest fails with MODEL_HASH_MISMATCH;
 * - only a complete, verified folder is renamed into `<registry>/<name>/<version>/`, so a
 *   reader never sees half a version, and a crash leaves only staging garbage;
 * - publishing the same manifest again is a no-op; a different manifest (other bytes, other
 *   settings, other eval) under an existing name@version fails with VERSION_IMMUTABLE.
 *
 * "The same" is the sha256 of the manifest's canonical JSON; the manifest pins every file's
 * sha256, so it covers the bytes too.
 */
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { invalidArgument, VoxfleetError } from '../core/index.js';
import { loadBuiltinCatalog, splitModelRef, type Catalog } from './catalog.js';
import { checkEvalSummaries } from './eval-attach.js';
import { manifestSha256, readFileChunks, writeVerified } from './hashing.js';
import { createInstalledModel, MANIFEST_FILE } from './installed-model.js';
import { MANIFEST_SCHEMA_VERSION, parseManifest, type Manifest } from './manifest.js';
import {
  publishedDirOf,
  readPublishedManifest,
  REGISTRY_INDEX_FILE,
  writeRegistryIndex,
} from './registry-layout.js';
import { cleanStaleStaging, createStagingDir } from './staging.js';
import { verifyFailure, verifyInstalled } from './verify.js';

/**
 * 'published': the version is new and now in the registry.
 * 'already-published': the registry holds this exact version (same manifest, files verified).
 */
export type PublishOutcome = 'published' | 'already-published';

export interface PublishResult {
  readonly outcome: PublishOutcome;
  /** `name@version`. */
  readonly ref: string;
  /** The version folder in the registry. */
  readonly dir: string;
  /** sha256 of the manifest's canonical JSON: the version's identity. */
  readonly manifestSha256: string;
  readonly files: number;
  readonly bytes: number;
  /** Files in the source folder the manifest does not list; they were not published. */
  readonly unlisted: readonly string[];
}

/** The two versions a rollout plan moves between. */
export interface RolloutPlanVersions {
  readonly baseline: string;
  readonly candidate: string;
}

export interface PublishOptions {
  readonly signal?: AbortSignal;
  /**
   * Where `controls.rollbackTo` may point besides this registry; defaults to the built-in
   * catalog (pull installs its versions without a registry).
   */
  readonly catalog?: Catalog;
  /**
   * Validates the parsed rollout plan file (`controls.rolloutPlan`) and returns its versions.
   * The plan format belongs to the release role, which the registry may not import; the CLI
   * passes the release role's parser. Without it the plan is only checked to be JSON.
   */
  readonly checkRolloutPlan?: (plan: unknown) => RolloutPlanVersions;
}

export async function publishModel(
  sourceDir: string,
  registryDir: string,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const src = resolve(sourceDir);
  const root = resolve(registryDir);
  const manifest = await readSourceManifest(src);
  if (manifest.name === REGISTRY_INDEX_FILE)
    throw invalidArgument('name', `is reserved by the registry layout`, manifest.name);
  const ref = `${manifest.name}@${manifest.version}`;
  const digest = manifestSha256(manifest);
  const finalDir = publishedDirOf(root, manifest.name, manifest.version);
  const result = (outcome: PublishOutcome, unlisted: readonly string[]): PublishResult => ({
    outcome,
    ref,
    dir: finalDir,
    manifestSha256: digest,
    files: manifest.files.length,
    bytes: manifest.files.reduce((n, f) => n + f.bytes, 0),
    unlisted,
  });

  // Refuse a different version before copying anything.
  await assertSameIfPresent(finalDir, manifest, digest);
  await checkRollbackTarget(root, manifest, options.catalog ?? loadBuiltinCatalog());
  const unlisted = await listUnlisted(src, manifest);

  await mkdir(root, { recursive: true });
  await cleanStaleStaging(root);
  const staging = await createStagingDir(root);
  try {
    await copyVerified(src, staging, manifest, options.signal);
    await checkEvalSummaries(manifest, staging);
    await checkRolloutPlan(manifest, staging, options.checkRolloutPlan);
    await writeFile(join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    if (options.signal?.aborted === true) throw cancelled(ref, options.signal.reason);

    if (await assertSameIfPresent(finalDir, manifest, digest)) {
      await verifyPublished(finalDir, manifest);
      return result('already-published', unlisted);
    }
    await mkdir(dirname(finalDir), { recursive: true });
    try {
      await rename(staging, finalDir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      // Someone published this version meanwhile: the same is fine, different is not.
      await assertSameIfPresent(finalDir, manifest, digest);
      await verifyPublished(finalDir, manifest);
      return result('already-published', unlisted);
    }
    await writeRegistryIndex(root);
    return result('published', unlisted);
  } catch (err) {
    if (options.signal?.aborted === true) throw cancelled(ref, err);
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function readSourceManifest(src: string): Promise<Manifest> {
  const path = join(src, MANIFEST_FILE);
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `${path} is not readable JSON: ${(err as Error).message}`,
      { field: MANIFEST_FILE },
      { cause: err },
    );
  }
  const manifest = parseManifest(value, path);
  if (manifest.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `manifest '${manifest.name}' (${path}): 'schemaVersion' must be ${MANIFEST_SCHEMA_VERSION} to publish ` +
        `(got ${manifest.schemaVersion}): a new version carries the full release contract (docs/models.md)`,
      { field: 'schemaVersion' },
    );
  }
  return manifest;
}

/**
 * True when the registry already holds this exact version, false when it holds none;
 * VERSION_IMMUTABLE when it holds different content under the same name@version.
 */
async function assertSameIfPresent(
  finalDir: string,
  manifest: Manifest,
  digest: string,
): Promise<boolean> {
  let existing: Manifest | undefined;
  try {
    existing = await readPublishedManifest(finalDir);
  } catch (err) {
    throw new VoxfleetError(
      'VERSION_IMMUTABLE',
      `${manifest.name}@${manifest.version} exists in the registry but its manifest is unreadable ` +
        `(${(err as Error).message}); it is not replaced: publish under a new version`,
      { field: 'version' },
      { cause: err },
    );
  }
  if (existing === undefined) return false;
  const theirs = manifestSha256(existing);
  if (theirs === digest) return true;
  throw new VoxfleetError(
    'VERSION_IMMUTABLE',
    `${manifest.name}@${manifest.version} is already published with different content ` +
      `(manifest sha256 ${theirs.slice(0, 12)}…, this one ${digest.slice(0, 12)}…${describeChange(existing, manifest)}); ` +
      'a version never changes: publish under a new version',
    { field: 'version' },
  );
}

/** A short hint at what differs: files or settings. */
function describeChange(before: Manifest, after: Manifest): string {
  const key = (m: Manifest): string => JSON.stringify(m.files.map((f) => [f.path, f.sha256]));
  return key(before) === key(after) ? '; same files, other settings' : '; other files';
}

async function checkRollbackTarget(
  root: string,
  manifest: Manifest,
  catalog: Catalog,
): Promise<void> {
  const to = manifest.controls?.rollbackTo;
  if (to === undefined) return;
  const { name, version } = splitModelRef(to);
  if (catalog.find(to) !== undefined || version === undefined) return;
  const target = await readPublishedManifest(publishedDirOf(root, name, version)).catch(
    () => undefined,
  );
  if (target === undefined) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `manifest '${manifest.name}': 'controls.rollbackTo' names ${to}, which neither this registry nor the built-in catalog holds`,
      { field: 'controls.rollbackTo' },
    );
  }
}

/** The rollout plan must parse and move from `rollbackTo` (when given) to this version. */
async function checkRolloutPlan(
  manifest: Manifest,
  staging: string,
  check: PublishOptions['checkRolloutPlan'],
): Promise<void> {
  const planPath = manifest.controls?.rolloutPlan;
  if (planPath === undefined) return;
  const field = 'controls.rolloutPlan';
  let plan: unknown;
  try {
    plan = JSON.parse(await readFile(join(staging, ...planPath.split('/')), 'utf8'));
  } catch (err) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `manifest '${manifest.name}': '${field}' names ${planPath}, which is not valid JSON`,
      { field },
      { cause: err },
    );
  }
  if (check === undefined) return;
  const { baseline, candidate } = check(plan);
  const ref = `${manifest.name}@${manifest.version}`;
  const rollbackTo = manifest.controls?.rollbackTo;
  const problem =
    candidate !== ref
      ? `rolls out ${candidate}, not ${ref}`
      : rollbackTo !== undefined && baseline !== rollbackTo
        ? `rolls back to ${baseline}, but 'controls.rollbackTo' is ${rollbackTo}`
        : undefined;
  if (problem !== undefined) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `manifest '${manifest.name}': the rollout plan ${planPath} ${problem}`,
      { field },
    );
  }
}

/** Copies every listed file into `staging`, hashing it on the way. */
async function copyVerified(
  src: string,
  staging: string,
  manifest: Manifest,
  signal: AbortSignal | undefined,
): Promise<void> {
  const realSrc = await realpath(src);
  for (const [i, file] of manifest.files.entries()) {
    if (signal?.aborted === true)
      throw cancelled(`${manifest.name}@${manifest.version}`, signal.reason);
    const from = join(src, ...file.path.split('/'));
    let real: string;
    try {
      real = await realpath(from);
    } catch {
      throw new VoxfleetError(
        'MODEL_HASH_MISMATCH',
        `${file.path} is listed in the manifest but missing from ${src}`,
        { field: file.path },
      );
    }
    if (!real.startsWith(realSrc + sep)) {
      throw invalidArgument(
        `files[${i}].path`,
        `must stay inside ${src}, but resolves (through a symbolic link) to ${real}`,
        file.path,
      );
    }
    if (!(await lstat(real)).isFile())
      throw invalidArgument(`files[${i}].path`, 'must name a regular file', file.path);
    const dest = join(staging, ...file.path.split('/'));
    await mkdir(dirname(dest), { recursive: true });
    await writeVerified(readFileChunks(real, signal), dest, file, `source ${src}`, () => {});
  }
}

/** Re-hashes a published version; a damaged registry copy is MODEL_HASH_MISMATCH. */
async function verifyPublished(dir: string, manifest: Manifest): Promise<void> {
  const report = await verifyInstalled(createInstalledModel(dir, manifest));
  if (report.ok) return;
  const err = verifyFailure(report);
  throw new VoxfleetError(
    err.code,
    `the registry's copy of ${manifest.name}@${manifest.version} is damaged (${err.message}); ` +
      `move ${dir} aside and publish again`,
    err.details,
  );
}

/** Files under `src` that the manifest does not list (manifest.json aside). */
async function listUnlisted(src: string, manifest: Manifest): Promise<string[]> {
  const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST_FILE]);
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) await walk(abs);
      else {
        const rel = relative(src, abs).split(sep).join('/');
        if (!listed.has(rel)) out.push(rel);
      }
    }
  };
  await walk(src);
  return out.sort();
}

function cancelled(ref: string, cause: unknown): VoxfleetError {
  if (cause instanceof VoxfleetError && cause.code === 'CANCELLED') return cause;
  return new VoxfleetError('CANCELLED', `publish of ${ref} was cancelled`, {}, { cause });
}
