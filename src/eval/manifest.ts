/**
 * Evaluation manifests: JSON Lines, one utterance per line, as in ../shared/audio/{dev,
 * multilingual}/manifest.jsonl:
 *
 *   {"id": "LJ001-0006", "audio": "LJ001-0006.wav", "text": "And it is ...",
 *    "duration_s": 5.7, "speaker": "LJ", "language": "en", "tags": ["clean", "read"]}
 *
 * Rules (each failure is a VoxfleetError naming the file, the 1-based line and the field):
 * - every non-blank line is a JSON object;
 * - `id`: non-empty string, unique in the file;
 * - `audio`: non-empty string, resolved against the manifest's folder (absolute paths kept);
 * - `text`: string, may be empty (a clip with no speech);
 * - `duration_s` (optional): finite number > 0;
 * - `tags` (optional, default []): array of non-empty strings;
 * - `language`, `speaker` (optional): non-empty strings;
 * - other fields are ignored; a manifest without any item is an error.
 * Codes: INVALID_ARGUMENT for content, NOT_FOUND for a missing manifest or (with
 * `checkAudioExists`, the default) a missing audio file.
 */

import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { VoxfleetError } from '../core/index.js';

export interface ManifestItem {
  readonly id: string;
  /** Absolute path of the audio file. */
  readonly audioPath: string;
  /** Reference transcript as written in the manifest (not normalised). */
  readonly text: string;
  readonly durationS?: number;
  readonly speaker?: string;
  /** ISO 639-1 code, when the manifest gives one. */
  readonly language?: string;
  readonly tags: readonly string[];
  /** 1-based line in the manifest, for error messages and reports. */
  readonly line: number;
}

export interface ParseManifestOptions {
  /** Folder that relative `audio` paths are resolved against. */
  readonly baseDir: string;
  /** Name used in error messages, e.g. the manifest's path. Default 'manifest'. */
  readonly source?: string;
}

export interface ReadManifestOptions {
  /** Check that every audio file exists (NOT_FOUND naming the line otherwise). Default true. */
  readonly checkAudioExists?: boolean;
}

type Json = Record<string, unknown>;

function lineError(
  source: string,
  line: number,
  field: string,
  rule: string,
  got: unknown,
): VoxfleetError {
  const message = `${source} line ${line}: '${field}' ${rule} (got ${describe(got)})`;
  return new VoxfleetError('INVALID_ARGUMENT', message, { field });
}

/** A short, log-safe description of a bad value: strings quoted and cut, containers named. */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > 40 ? `${quoted.slice(0, 37)}...` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

function requireString(
  obj: Json,
  field: string,
  source: string,
  line: number,
  allowEmpty: boolean,
): string {
  const value = obj[field];
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) {
    const rule = allowEmpty ? 'must be a string' : 'must be a non-empty string';
    throw lineError(source, line, field, rule, value);
  }
  return value;
}

function optionalString(
  obj: Json,
  field: string,
  source: string,
  line: number,
): string | undefined {
  return obj[field] === undefined ? undefined : requireString(obj, field, source, line, false);
}

function readTags(obj: Json, source: string, line: number): string[] {
  const value = obj['tags'];
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw lineError(source, line, 'tags', 'must be an array of strings', value);
  return value.map((tag: unknown, i) => {
    if (typeof tag !== 'string' || tag === '') {
      throw lineError(source, line, `tags[${i}]`, 'must be a non-empty string', tag);
    }
    return tag;
  });
}

function parseLine(text: string, line: number, options: ParseManifestOptions): ManifestItem {
  const source = options.source ?? 'manifest';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `${source} line ${line}: not valid JSON (${reason})`,
      {
        field: 'line',
      },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw lineError(source, line, 'line', 'must be a JSON object', parsed);
  }
  const obj = parsed as Json;
  const id = requireString(obj, 'id', source, line, false);
  const audio = requireString(obj, 'audio', source, line, false);
  const refText = requireString(obj, 'text', source, line, true);
  const duration = obj['duration_s'];
  if (
    duration !== undefined &&
    (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0)
  ) {
    throw lineError(source, line, 'duration_s', 'must be a number > 0', duration);
  }
  const speaker = optionalString(obj, 'speaker', source, line);
  const language = optionalString(obj, 'language', source, line);
  return {
    id,
    audioPath: isAbsolute(audio) ? audio : resolve(options.baseDir, audio),
    text: refText,
    ...(duration !== undefined ? { durationS: duration } : {}),
    ...(speaker !== undefined ? { speaker } : {}),
    ...(language !== undefined ? { language } : {}),
    tags: readTags(obj, source, line),
    line,
  };
}

/** Parses and validates manifest text (no file access); see the header for the rules. */
export function parseManifest(text: string, options: ParseManifestOptions): ManifestItem[] {
  const source = options.source ?? 'manifest';
  const items: ManifestItem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const item = parseLine(raw, index + 1, options);
    const first = seen.get(item.id);
    if (first !== undefined) {
      throw lineError(source, item.line, 'id', `must be unique (also on line ${first})`, item.id);
    }
    seen.set(item.id, item.line);
    items.push(item);
  }
  if (items.length === 0) {
    throw new VoxfleetError('INVALID_ARGUMENT', `${source}: manifest has no items`, {
      field: 'manifest',
    });
  }
  return items;
}

/** Reads a manifest file; audio paths come back absolute, resolved against its folder. */
export async function readManifest(
  path: string,
  options: ReadManifestOptions = {},
): Promise<ManifestItem[]> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new VoxfleetError(
      'NOT_FOUND',
      `manifest ${absolute} cannot be read`,
      { field: 'manifest' },
      { cause: err },
    );
  }
  const items = parseManifest(text, { baseDir: dirname(absolute), source: absolute });
  if (options.checkAudioExists ?? true) {
    // One at a time, so the error names the first missing file.
    for (const item of items) {
      try {
        await access(item.audioPath);
      } catch (err) {
        throw new VoxfleetError(
          'NOT_FOUND',
          `${absolute} line ${item.line}: 'audio' file ${item.audioPath} does not exist`,
          { field: 'audio' },
          { cause: err },
        );
      }
    }
  }
  return items;
}
