/**
 * Finding a model version the built-in catalog does not know in a registry host laid out as
 * registry-layout.ts describes: `name@version` reads `<url>/<name>/<version>/manifest.json`,
 * a bare name or alias reads `<url>/index.json` and takes the newest version. Whatever comes
 * back is validated like any manifest before a byte of the model is fetched.
 */
import { sleep, VoxfleetError } from '../core/index.js';
import { createCatalog, splitModelRef } from './catalog.js';
import { describeUrl, fetchChunks } from './http-source.js';
import { MANIFEST_FILE } from './installed-model.js';
import { MODEL_NAME_RE, parseManifest, type Manifest } from './manifest.js';
import {
  httpStatusOf,
  isRetryableDownloadError,
  retryDelayFor,
  type PullConfig,
} from './pull-options.js';
import { REGISTRY_INDEX_FILE } from './registry-layout.js';
import { isSemver } from './semver.js';

/** Bytes, at most, of a manifest or index read from a registry. */
const MAX_JSON_BYTES = 32 << 20;

/** The manifest `ref` names in the registry at `config.registryUrl`; undefined when absent. */
export async function findInRegistry(
  ref: string,
  config: PullConfig,
): Promise<Manifest | undefined> {
  const { name, version } = splitModelRef(ref);
  if (!MODEL_NAME_RE.test(name) || (version !== undefined && !isSemver(version))) return undefined;
  const base = config.registryUrl.replace(/\/+$/, '');
  if (version !== undefined) {
    const url = `${base}/${encodeURIComponent(name)}/${encodeURIComponent(version)}/${MANIFEST_FILE}`;
    const json = await fetchJson(url, config);
    if (json === undefined) return undefined;
    const m = parseManifest(json, describeUrl(url));
    if (m.name !== name || m.version !== version) {
      throw new VoxfleetError(
        'MODEL_MANIFEST_INVALID',
        `${describeUrl(url)} describes ${m.name}@${m.version}, not ${name}@${version}`,
        { field: 'name' },
      );
    }
    return m;
  }
  const url = `${base}/${REGISTRY_INDEX_FILE}`;
  const json = await fetchJson(url, config);
  if (json === undefined) return undefined;
  const models = isRecord(json) ? json.models : undefined;
  if (!Array.isArray(models)) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `${describeUrl(url)}: 'models' must be an array`,
      { field: 'models' },
    );
  }
  const shown = describeUrl(url);
  return createCatalog(models.map((m, i) => parseManifest(m, `${shown} models[${i}]`))).find(name);
}

/** GETs and parses a JSON document, with the pull's retries; undefined on HTTP 404. */
async function fetchJson(url: string, config: PullConfig): Promise<unknown> {
  const http = {
    fetch: config.fetch,
    clock: config.clock,
    signal: config.signal,
    responseTimeoutMs: config.responseTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      for await (const chunk of fetchChunks(url, http)) {
        bytes += chunk.length;
        if (bytes > MAX_JSON_BYTES) {
          throw new VoxfleetError(
            'MODEL_MANIFEST_INVALID',
            `${describeUrl(url)} is larger than ${MAX_JSON_BYTES} bytes`,
          );
        }
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        return JSON.parse(text) as unknown;
      } catch (err) {
        throw new VoxfleetError(
          'MODEL_MANIFEST_INVALID',
          `${describeUrl(url)} is not valid JSON`,
          {},
          { cause: err },
        );
      }
    } catch (err) {
      if (err instanceof VoxfleetError && httpStatusOf(err) === 404) return undefined;
      if (attempt >= config.maxAttemptsPerFile || !isRetryableDownloadError(err)) throw err;
      await sleep(config.clock, retryDelayFor(attempt, config));
      if (config.signal?.aborted === true) throw err;
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
