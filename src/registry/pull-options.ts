/**
 * Pull options in, compiled pull config out: defaults in one table, environment fallbacks,
 * validation naming the option. Also the retry policy (two small pure functions) and the
 * file URL rule.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { invalidArgument, VoxfleetError, type Clock } from '../core/index.js';
import type { Manifest, ManifestFile } from './manifest.js';

/**
 * Placeholder registry host, the only place it is written. No public host serves these converted
 * artifacts yet: models are obtained from a mirror folder (`mirrorDir` / VOXFLEET_MODEL_MIRROR) or
 * from a host you run yourself (`registryUrl` / VOXFLEET_REGISTRY_URL), laid out as
 * `${registryUrl}/${name}/${version}/${path}`.
 */
export const DEFAULT_REGISTRY_URL = 'https://models.voxfleet.dev';

export const ENV_REGISTRY_URL = 'VOXFLEET_REGISTRY_URL';
export const ENV_MODEL_MIRROR = 'VOXFLEET_MODEL_MIRROR';

export const PULL_DEFAULTS = Object.freeze({
  /** ms from sending a request to receiving its response headers. */
  responseTimeoutMs: 30_000,
  /** ms allowed between two body chunks before a transfer is abandoned as stalled. */
  idleTimeoutMs: 60_000,
  /** tries per file over HTTP, first one included (mirror copies are not retried). */
  maxAttemptsPerFile: 3,
  /** ms before the first retry; doubles on each further retry. */
  retryBaseDelayMs: 1_000,
  /** ms, upper bound of one retry delay. */
  retryMaxDelayMs: 15_000,
});

/** Which part of a pull a progress event belongs to. */
export type PullPhase = 'verify' | 'copy' | 'download';

/** One progress report; byte and file counts are for the whole model and never go backwards. */
export interface PullProgress {
  readonly model: string;
  readonly version: string;
  readonly phase: PullPhase;
  /** The file being processed (relative path in the manifest). */
  readonly file: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
}

export type ProgressListener = (progress: PullProgress) => void;

export interface PullOptions {
  /** Folder laid out as `<mirrorDir>/<name>/<path>`; tried first for every file. Env: VOXFLEET_MODEL_MIRROR. */
  readonly mirrorDir?: string;
  /** Base URL of a registry host. Env: VOXFLEET_REGISTRY_URL. */
  readonly registryUrl?: string;
  readonly onProgress?: ProgressListener;
  /** Aborting rejects the pull with CANCELLED and leaves nothing installed. */
  readonly signal?: AbortSignal;
  /** The fetch to download with (tests, proxies). Defaults to the global fetch. */
  readonly fetch?: typeof globalThis.fetch;
  readonly responseTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly maxAttemptsPerFile?: number;
  readonly retryBaseDelayMs?: number;
  readonly retryMaxDelayMs?: number;
}

export interface PullConfig {
  readonly mirrorDir: string | undefined;
  readonly registryUrl: string;
  readonly onProgress: ProgressListener;
  readonly signal: AbortSignal | undefined;
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly responseTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxAttemptsPerFile: number;
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

export function compilePullOptions(
  options: PullOptions,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): PullConfig {
  const mirror = options.mirrorDir ?? nonEmpty(env[ENV_MODEL_MIRROR]);
  const mirrorDir = mirror === undefined ? undefined : resolve(mirror);
  if (mirrorDir !== undefined && !isDirectory(mirrorDir)) {
    const field = options.mirrorDir !== undefined ? 'mirrorDir' : ENV_MODEL_MIRROR;
    throw invalidArgument(field, 'must be an existing directory', mirrorDir);
  }
  const registryUrl = (
    options.registryUrl ??
    nonEmpty(env[ENV_REGISTRY_URL]) ??
    DEFAULT_REGISTRY_URL
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(registryUrl) || !URL.canParse(registryUrl)) {
    const field = options.registryUrl !== undefined ? 'registryUrl' : ENV_REGISTRY_URL;
    throw invalidArgument(field, 'must be an http(s) URL', registryUrl);
  }
  const positive = (field: keyof typeof PULL_DEFAULTS, min: number): number => {
    const v = options[field] ?? PULL_DEFAULTS[field];
    if (!Number.isInteger(v) || v < min)
      throw invalidArgument(field, `must be an integer >= ${min}`, v);
    return v;
  };
  return Object.freeze({
    mirrorDir,
    registryUrl,
    onProgress: options.onProgress ?? (() => {}),
    signal: options.signal,
    fetch: options.fetch ?? globalThis.fetch,
    clock,
    responseTimeoutMs: positive('responseTimeoutMs', 1),
    idleTimeoutMs: positive('idleTimeoutMs', 1),
    maxAttemptsPerFile: positive('maxAttemptsPerFile', 1),
    retryBaseDelayMs: positive('retryBaseDelayMs', 0),
    retryMaxDelayMs: positive('retryMaxDelayMs', 0),
  });
}

/** `${registryUrl}/${name}/${version}/${path}`, each path segment URL-encoded; a file's own url wins. */
export function fileUrl(registryUrl: string, manifest: Manifest, file: ManifestFile): string {
  if (file.url !== undefined) return file.url;
  const segments = [manifest.name, manifest.version, ...file.path.split('/')].map(
    encodeURIComponent,
  );
  return `${registryUrl.replace(/\/+$/, '')}/${segments.join('/')}`;
}

/** Delay before retry number `attempt` (1 = the first retry): exponential, capped. */
export function retryDelayFor(
  attempt: number,
  config: Pick<PullConfig, 'retryBaseDelayMs' | 'retryMaxDelayMs'>,
): number {
  return Math.min(config.retryMaxDelayMs, config.retryBaseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Whether a failed download is worth another try: network faults, timeouts, 5xx, 408 and 429 are;
 * other 4xx (the file is not there) and content mismatches are not.
 */
export function isRetryableDownloadError(err: unknown): boolean {
  if (!(err instanceof VoxfleetError) || err.code !== 'MODEL_DOWNLOAD_FAILED') return false;
  const status = httpStatusOf(err);
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

/** The HTTP status a MODEL_DOWNLOAD_FAILED error carries in its cause, if it came from a response. */
export function httpStatusOf(err: VoxfleetError): number | undefined {
  const cause: unknown = err.cause;
  if (typeof cause === 'object' && cause !== null && 'httpStatus' in cause) {
    const s = cause.httpStatus;
    return typeof s === 'number' ? s : undefined;
  }
  return undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
