/**
 * Content checks: hash a file while reading it, or write a stream to disk while hashing it,
 * never holding a whole file in memory. A size or sha256 that differs from the manifest is
 * MODEL_HASH_MISMATCH, naming the file and both hash prefixes.
 *
 * Cost, measured on this project's 2-core Xeon (SHA-NI, Node 20.20), files in the page cache:
 * sha256 of whisper-base (107.3 MB) takes 120-200 ms (540-880 MB/s) and of whisper-tiny.en
 * (63.7 MB) 95-130 ms; `store.loadVerified('whisper-base')` end to end takes 100-115 ms. That is
 * cheap next to loading the model (0.6-1.0 s), so `loadVerified` re-hashes every file on every
 * load instead of trusting a (size, mtime) stamp, which `touch -r` could fake. Cold files are
 * bounded by disk read speed instead.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { VoxfleetError } from '../core/index.js';

/** 1 MiB reads: few syscalls, small memory. */
const READ_CHUNK_BYTES = 1 << 20;

export interface ExpectedContent {
  /** Path in the manifest, for messages. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface HashResult {
  readonly bytes: number;
  readonly sha256: string;
}

/** Streams a file through sha256. `onBytes` receives each chunk's length. */
export async function hashFile(
  path: string,
  onBytes?: (n: number) => void,
  signal?: AbortSignal,
): Promise<HashResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(path, {
    highWaterMark: READ_CHUNK_BYTES,
    ...(signal ? { signal } : {}),
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    onBytes?.(chunk.length);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Reads a local file as a stream of chunks (the mirror source). */
export function readFileChunks(path: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: READ_CHUNK_BYTES, ...(signal ? { signal } : {}) });
}

/**
 * Writes `chunks` to a new file at `dest` (which must not exist), hashing as it goes, and checks
 * size and sha256 against `expected`. Stops as soon as more bytes arrive than expected. The file
 * is flushed to disk before this resolves. On any failure the partial file is left for the
 * caller's staging cleanup. `from` names the source in messages (a URL without its query, or 'mirror').
 */
export async function writeVerified(
  chunks: AsyncIterable<Uint8Array>,
  dest: string,
  expected: ExpectedContent,
  from: string,
  onBytes: (n: number) => void,
): Promise<void> {
  const hash = createHash('sha256');
  let bytes = 0;
  const fh = await open(dest, 'wx');
  try {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      if (bytes > expected.bytes)
        throw sizeMismatch(expected, `more than ${expected.bytes}`, undefined, from);
      hash.update(chunk);
      await fh.write(chunk);
      onBytes(chunk.length);
    }
    const sha256 = hash.digest('hex');
    if (bytes !== expected.bytes) throw sizeMismatch(expected, String(bytes), sha256, from);
    if (sha256 !== expected.sha256) throw hashMismatch(expected, sha256, from);
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

export function hashMismatch(
  expected: ExpectedContent,
  gotSha256: string,
  from: string,
): VoxfleetError {
  return new VoxfleetError(
    'MODEL_HASH_MISMATCH',
    `${expected.path} from ${from}: expected sha256 ${prefix(expected.sha256)}, got ${prefix(gotSha256)}`,
    { field: expected.path },
  );
}

/** `gotSha256` is undefined when the transfer was stopped for running past the expected size. */
export function sizeMismatch(
  expected: ExpectedContent,
  gotBytes: string,
  gotSha256: string | undefined,
  from: string,
): VoxfleetError {
  const got = gotSha256 === undefined ? '' : ` (sha256 ${prefix(gotSha256)})`;
  return new VoxfleetError(
    'MODEL_HASH_MISMATCH',
    `${expected.path} from ${from}: expected ${expected.bytes} bytes (sha256 ${prefix(expected.sha256)}), got ${gotBytes} bytes${got}`,
    { field: expected.path },
  );
}

function prefix(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}

/**
 * JSON with object keys sorted at every level and no whitespace: two values that mean the same
 * give the same text, whatever order their keys were written in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of a manifest's canonical JSON: what "the same version" means to the registry. */
export function manifestSha256(manifest: unknown): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}
