/**
 * The model manifest: identity, license and provenance, inputs and outputs, the files (addressed
 * by sha256) and the engine config of one immutable model version. `parseManifest` is the only
 * way a manifest enters the program; it rejects bad input with MODEL_MANIFEST_INVALID naming the
 * field and the rule, and returns a deeply frozen object.
 */
import { z } from 'zod';
import { VoxfleetError } from '../core/index.js';
import {
  engineSchema,
  listEngineFileRefs,
  relativePathSchema,
  type DeepReadonly,
} from './engine-config.js';
import {
  audioContractFields,
  checkContract,
  controlsSchema,
  decodeSchema,
  evalSchema,
  identitySchema,
  inputContractFields,
  preprocessingSchema,
  transcriptContractFields,
} from './manifest-contract.js';
import { isSemver } from './semver.js';

/**
 * The schema version new manifests are written in. Version 2 adds the release contract
 * (manifest-contract.ts); version 1 manifests, without it, still load (installs made before it).
 */
export const MANIFEST_SCHEMA_VERSION = 2;
export const MANIFEST_SCHEMA_VERSIONS = [1, 2] as const;

/** Names and aliases: lower-case, start with a letter or digit, then letters, digits, `.`, `_`, `-`. */
export const MODEL_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;
/** File names the store writes beside the model files; a manifest may not use them. */
export const RESERVED_FILE_NAMES: readonly string[] = ['manifest.json', 'install.json'];

const modelNameSchema = z.string().regex(MODEL_NAME_RE, 'must match ' + String(MODEL_NAME_RE));
const languageSchema = z.string().regex(/^([a-z]{2,3}|\*)$/, "must be an ISO 639 code or '*'");

const fileSchema = z
  .object({
    path: relativePathSchema,
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(SHA256_RE, 'must be 64 lower-case hex digits'),
    /** Overrides `${registryUrl}/${name}/${version}/${path}` for this one file. */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
      .optional(),
  })
  .strict();

const licenseSchema = z
  .object({
    /** SPDX expression, e.g. `MIT` or `CC0-1.0 AND GPL-3.0-or-later`. */
    spdx: z.string().regex(/^[A-Za-z0-9.+\-() ]+$/, 'must be an SPDX license expression'),
    /** Files of the model that carry the license texts. */
    files: z.array(relativePathSchema).min(1),
    notes: z.string().optional(),
  })
  .strict();

const sourceSchema = z
  .object({
    /** Where these exact weights were obtained (package, repository, commit). */
    origin: z.string().min(1),
    /** The original model this artifact derives from. */
    upstream: z.string().min(1).optional(),
    /** How the artifact was produced from the origin (script, settings). */
    conversion: z.string().min(1).optional(),
  })
  .strict();

const inputsSchema = z
  .object({
    /** Audio rate the model consumes; absent for text-in models (TTS). */
    sampleRateHz: z.number().int().positive().optional(),
    featureDim: z.number().int().positive().optional(),
    /** Longest input one inference call accepts. */
    maxDurationS: z.number().positive().optional(),
    /** ISO 639 codes, or ['*'] for any language (multilingual or language-independent). */
    languages: z.array(languageSchema).min(1),
    canDetectLanguage: z.boolean(),
    canTranslate: z.boolean(),
    ...inputContractFields,
  })
  .strict();

const voiceSchema = z
  .object({ name: z.string().min(1), speakerId: z.number().int().nonnegative() })
  .strict();

const outputsSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('transcript'),
      /** Whether the model itself gives word times (see `timestamps` for what is served). */
      wordTimings: z.boolean(),
      ...transcriptContractFields,
    })
    .strict(),
  z
    .object({
      type: z.literal('audio'),
      sampleRateHz: z.number().int().positive(),
      voices: z.array(voiceSchema).min(1),
      ...audioContractFields,
    })
    .strict(),
  z
    .object({ type: z.literal('speech-segments'), windowSamples: z.number().int().positive() })
    .strict(),
  z.object({ type: z.literal('embedding'), dim: z.number().int().positive() }).strict(),
]);

export const MODEL_KINDS = ['asr', 'tts', 'vad', 'speaker'] as const;
export type ManifestKind = (typeof MODEL_KINDS)[number];

/** Which output type and engine kinds serve each model kind. */
const KIND_RULES: Readonly<Record<ManifestKind, { output: string; engines: readonly string[] }>> = {
  asr: { output: 'transcript', engines: ['whisper'] },
  tts: { output: 'audio', engines: ['vits'] },
  vad: { output: 'speech-segments', engines: ['silero-vad'] },
  // No engine serves speaker models yet (the GE2E encoder runs on onnxruntime-node, not sherpa-onnx).
  speaker: { output: 'embedding', engines: [] },
};

const manifestObjectSchema = z
  .object({
    schemaVersion: z.union([z.literal(1), z.literal(2)]),
    name: modelNameSchema,
    version: z.string().refine(isSemver, 'must be a semantic version (e.g. 1.0.0)'),
    kind: z.enum(MODEL_KINDS),
    description: z.string().min(1),
    license: licenseSchema,
    source: sourceSchema,
    inputs: inputsSchema,
    outputs: outputsSchema,
    files: z.array(fileSchema).min(1),
    aliases: z.array(modelNameSchema).default([]),
    engine: engineSchema,
    identity: identitySchema.optional(),
    preprocessing: preprocessingSchema.optional(),
    decode: decodeSchema.optional(),
    eval: evalSchema.optional(),
    controls: controlsSchema.optional(),
  })
  .strict();

export const manifestSchema = manifestObjectSchema.superRefine((m, ctx) => {
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path, message });
  };
  const paths = new Set<string>();
  m.files.forEach((f, i) => {
    if (paths.has(f.path)) issue(['files', i, 'path'], `duplicates ${JSON.stringify(f.path)}`);
    paths.add(f.path);
    if (RESERVED_FILE_NAMES.includes(f.path))
      issue(['files', i, 'path'], 'is reserved for the store');
  });
  // A path may not be both a file and a directory of other files.
  for (const [i, f] of m.files.entries()) {
    if ([...paths].some((p) => p.startsWith(f.path + '/'))) {
      issue(['files', i, 'path'], 'is a file and also a directory of other files');
    }
  }
  const listed = (p: string, dir: boolean): boolean =>
    dir ? [...paths].some((q) => q.startsWith(p + '/')) : paths.has(p);

  m.license.files.forEach((p, i) => {
    if (!listed(p, false))
      issue(['license', 'files', i], `names ${JSON.stringify(p)}, which is not in 'files'`);
  });
  for (const ref of listEngineFileRefs(m.engine)) {
    if (!listed(ref.path, ref.isDirectory)) {
      const what = ref.isDirectory ? 'a directory with no files listed' : 'a file not listed';
      issue(
        ['engine', ...ref.field.split('.')],
        `names ${JSON.stringify(ref.path)}, ${what} in 'files'`,
      );
    }
  }

  const seen = new Set<string>();
  m.aliases.forEach((a, i) => {
    if (a === m.name) issue(['aliases', i], 'repeats the model name');
    if (seen.has(a)) issue(['aliases', i], `duplicates ${JSON.stringify(a)}`);
    seen.add(a);
  });

  const langs = m.inputs.languages;
  if (langs.includes('*') && langs.length > 1)
    issue(['inputs', 'languages'], "must be ['*'] alone or ISO codes");

  const rule = KIND_RULES[m.kind];
  if (m.outputs.type !== rule.output) {
    issue(['outputs', 'type'], `must be '${rule.output}' for kind '${m.kind}'`);
  }
  if (!rule.engines.includes(m.engine.kind)) {
    const allowed = rule.engines.length === 0 ? 'none exists yet' : rule.engines.join(', ');
    issue(['engine', 'kind'], `does not serve kind '${m.kind}' (engines for it: ${allowed})`);
  }
  if (m.kind !== 'tts' && m.inputs.sampleRateHz === undefined) {
    issue(['inputs', 'sampleRateHz'], `is required for kind '${m.kind}'`);
  }
  if (m.engine.kind === 'whisper') {
    const feat = m.engine.config.featConfig;
    if (m.inputs.sampleRateHz !== undefined && feat.sampleRate !== m.inputs.sampleRateHz) {
      issue(['engine', 'config', 'featConfig', 'sampleRate'], "must equal 'inputs.sampleRateHz'");
    }
    if (feat.featureDim !== m.inputs.featureDim) {
      issue(['engine', 'config', 'featConfig', 'featureDim'], "must equal 'inputs.featureDim'");
    }
  }
  if (m.engine.kind === 'silero-vad' && m.engine.config.sampleRate !== m.inputs.sampleRateHz) {
    issue(['engine', 'config', 'sampleRate'], "must equal 'inputs.sampleRateHz'");
  }
  checkContract(
    {
      ...m,
      listed,
      engineTokens:
        m.engine.kind === 'whisper'
          ? m.engine.config.modelConfig.tokens
          : m.engine.kind === 'vits'
            ? m.engine.config.model.vits.tokens
            : undefined,
      engineTailPaddings:
        m.engine.kind === 'whisper' ? m.engine.config.modelConfig.whisper.tailPaddings : undefined,
    },
    issue,
  );
});

/** A parsed manifest: deeply frozen, never mutated. */
export type Manifest = DeepReadonly<z.output<typeof manifestSchema>>;
/** The JSON shape a manifest is written in (defaults may be omitted). */
export type ManifestInput = z.input<typeof manifestSchema>;
export type ManifestFile = Manifest['files'][number];
export type ManifestOutputs = Manifest['outputs'];

/**
 * Validates `value` as a manifest. `origin` says where it came from (a file path, 'catalog'),
 * for the message. Throws MODEL_MANIFEST_INVALID naming the first bad field.
 */
export function parseManifest(value: unknown, origin?: string): Manifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) throw manifestError(result.error, value, origin);
  return deepFreeze(result.data);
}

function manifestError(
  error: z.ZodError,
  input: unknown,
  origin: string | undefined,
): VoxfleetError {
  const issues = [...error.issues].sort((a, b) => a.path.length - b.path.length);
  const first = issues[0];
  const name = isRecord(input) && typeof input.name === 'string' ? ` '${input.name}'` : '';
  const where = origin === undefined ? '' : ` (${origin})`;
  if (first === undefined)
    return new VoxfleetError('MODEL_MANIFEST_INVALID', `manifest${name}${where} is invalid`);
  const { field, rule } = describeIssue(first, input);
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})`
      : '';
  return new VoxfleetError(
    'MODEL_MANIFEST_INVALID',
    `manifest${name}${where}: '${field}' ${rule}${more}`,
    { field },
    { cause: error },
  );
}

function describeIssue(issue: z.ZodIssue, input: unknown): { field: string; rule: string } {
  const field = formatPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return { field: formatPath([...issue.path, key]), rule: 'is not a known field' };
    }
    case 'invalid_type':
      if (issue.received === 'undefined')
        return { field, rule: `is required (${article(issue.expected)} ${issue.expected})` };
      return {
        field,
        rule: `must be ${article(issue.expected)} ${issue.expected} (got ${issue.received})`,
      };
    case 'invalid_enum_value':
      return { field, rule: `must be one of ${issue.options.join(', ')}${got(input, issue.path)}` };
    case 'invalid_union_discriminator':
      return {
        field,
        rule: `must be one of ${issue.options.map(String).join(', ')}${got(input, issue.path)}`,
      };
    case 'invalid_literal':
      if (valueAt(input, issue.path) === undefined)
        return { field, rule: `is required (${JSON.stringify(issue.expected)})` };
      return { field, rule: `must be ${JSON.stringify(issue.expected)}${got(input, issue.path)}` };
    case 'invalid_union': {
      // A union of literals (schemaVersion): name the values it accepts.
      const options = issue.unionErrors.flatMap((e) =>
        e.issues.flatMap((i) => (i.code === 'invalid_literal' ? [JSON.stringify(i.expected)] : [])),
      );
      if (options.length === issue.unionErrors.length)
        return { field, rule: `must be one of ${options.join(', ')}${got(input, issue.path)}` };
      return { field, rule: `is invalid${got(input, issue.path)}` };
    }
    default: {
      const rule =
        issue.message.startsWith('must') || issue.message.startsWith('is ')
          ? issue.message
          : `is invalid: ${issue.message}`;
      return { field, rule: `${rule}${issue.code === 'custom' ? '' : got(input, issue.path)}` };
    }
  }
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = input;
  for (const key of path)
    v = isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[key] : undefined;
  return v;
}

function got(input: unknown, path: readonly (string | number)[]): string {
  const v = valueAt(input, path);
  if (v === undefined || (typeof v === 'object' && v !== null)) return '';
  const text = JSON.stringify(v);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** `['files', 2, 'sha256']` -> `files[2].sha256`. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  return out === '' ? '(manifest)' : out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value as DeepReadonly<T>;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
