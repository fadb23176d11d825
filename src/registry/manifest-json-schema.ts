/**
 * JSON Schema (draft 2020-12) of a manifest, hand-written (zod-to-json-schema is not a dependency)
 * for editors and for people writing manifests outside voxfleet. It covers the shape: fields,
 * types, patterns, enums. The cross-field rules (file references listed in `files`, kind vs engine
 * vs outputs, unique paths and aliases, sample rates agreeing) exist only in `parseManifest`,
 * which stays the authority. `manifest-json-schema.test.ts` keeps the field sets of both in sync.
 */
import { CONTRACT_FIELDS } from './manifest-contract.js';
import {
  bool,
  controlsJson,
  decodeJson,
  evalJson,
  identityJson,
  int,
  num,
  obj,
  pcmContractJson,
  preprocessingJson,
  relPath,
  str,
  transcriptContractJson,
} from './manifest-json-schema-contract.js';
import { MANIFEST_SCHEMA_VERSIONS, MODEL_KINDS, MODEL_NAME_RE, SHA256_RE } from './manifest.js';
import { SEMVER_RE } from './semver.js';

type JsonSchema = Readonly<Record<string, unknown>>;

const provider: JsonSchema = { enum: ['cpu', 'cuda', 'coreml'] };
const notes: JsonSchema = { type: 'array', items: str, default: [] };

const whisperEngine = obj(
  {
    runtime: { enum: ['sherpa-onnx', 'onnxruntime'] },
    kind: { const: 'whisper' },
    config: obj(
      {
        featConfig: obj({ sampleRate: int(1), featureDim: int(1) }, ['sampleRate', 'featureDim']),
        modelConfig: obj(
          {
            whisper: obj(
              {
                encoder: relPath,
                decoder: relPath,
                language: { type: 'string', pattern: '^([a-z]{2,3})?$' },
                task: { enum: ['transcribe', 'translate'] },
                tailPaddings: int(),
              },
              ['encoder', 'decoder', 'language', 'task', 'tailPaddings'],
            ),
            tokens: relPath,
            numThreads: int(1),
            provider,
            debug: { enum: [0, 1] },
          },
          ['whisper', 'tokens', 'numThreads', 'provider', 'debug'],
        ),
      },
      ['featConfig', 'modelConfig'],
    ),
    notes,
  },
  ['runtime', 'kind', 'config'],
);

const vitsEngine = obj(
  {
    runtime: { const: 'sherpa-onnx' },
    kind: { const: 'vits' },
    config: obj(
      {
        model: obj(
          {
            vits: obj(
              {
                model: relPath,
                tokens: relPath,
                dataDir: relPath,
                noiseScale: num({ minimum: 0 }),
                noiseScaleW: num({ minimum: 0 }),
                lengthScale: num({ exclusiveMinimum: 0 }),
              },
              ['model', 'tokens', 'dataDir', 'noiseScale', 'noiseScaleW', 'lengthScale'],
            ),
            numThreads: int(1),
            provider,
            debug: { enum: [0, 1] },
          },
          ['vits', 'numThreads', 'provider', 'debug'],
        ),
        maxNumSentences: int(1),
      },
      ['model', 'maxNumSentences'],
    ),
    generationConfig: obj(
      {
        silenceScale: num({ exclusiveMinimum: 0 }),
        speed: num({ exclusiveMinimum: 0 }),
        sid: int(0),
      },
      ['silenceScale', 'speed', 'sid'],
    ),
    notes,
  },
  ['runtime', 'kind', 'config', 'generationConfig'],
);

const sileroVadEngine = obj(
  {
    runtime: { const: 'sherpa-onnx' },
    kind: { const: 'silero-vad' },
    config: obj(
      {
        sileroVad: obj(
          {
            model: relPath,
            threshold: num({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
            minSpeechDuration: num({ minimum: 0 }),
            minSilenceDuration: num({ minimum: 0 }),
            windowSize: int(1),
            maxSpeechDuration: num({ exclusiveMinimum: 0 }),
          },
          [
            'model',
            'threshold',
            'minSpeechDuration',
            'minSilenceDuration',
            'windowSize',
            'maxSpeechDuration',
          ],
        ),
        sampleRate: int(1),
        numThreads: int(1),
        debug: bool,
      },
      ['sileroVad', 'sampleRate', 'numThreads', 'debug'],
    ),
    bufferSizeInSeconds: num({ exclusiveMinimum: 0 }),
    notes,
  },
  ['runtime', 'kind', 'config', 'bufferSizeInSeconds'],
);

export const MANIFEST_JSON_SCHEMA: JsonSchema = Object.freeze({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://voxfleet.dev/schemas/model-manifest-2.json',
  title: 'voxfleet model manifest',
  $defs: {
    relativePath: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
      description:
        "Relative POSIX path inside the model folder; no '.' or '..' segments, no backslashes.",
      pattern: '^(?![A-Za-z]:)[^/\\\\\\u0000]+(/[^/\\\\\\u0000]+)*$',
      not: { pattern: '(^|/)\\.{1,2}(/|$)' },
    },
    modelName: { type: 'string', pattern: MODEL_NAME_RE.source },
  },
  ...obj(
    {
      schemaVersion: { enum: [...MANIFEST_SCHEMA_VERSIONS] },
      name: { $ref: '#/$defs/modelName' },
      version: {
        type: 'string',
        description: 'Semantic version 2.0.0, e.g. 1.0.0.',
        pattern: SEMVER_RE.source,
      },
      kind: { enum: [...MODEL_KINDS] },
      description: str,
      license: obj(
        {
          spdx: { type: 'string', pattern: '^[A-Za-z0-9.+\\-() ]+$' },
          files: { type: 'array', items: relPath, minItems: 1 },
          notes: { type: 'string' },
        },
        ['spdx', 'files'],
      ),
      source: obj({ origin: str, upstream: str, conversion: str }, ['origin']),
      inputs: obj(
        {
          sampleRateHz: int(1),
          featureDim: int(1),
          maxDurationS: num({ exclusiveMinimum: 0 }),
          languages: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', pattern: '^([a-z]{2,3}|\\*)$' },
          },
          canDetectLanguage: bool,
          canTranslate: bool,
          ...pcmContractJson,
        },
        ['languages', 'canDetectLanguage', 'canTranslate'],
      ),
      outputs: {
        oneOf: [
          obj({ type: { const: 'transcript' }, wordTimings: bool, ...transcriptContractJson }, [
            'type',
            'wordTimings',
          ]),
          obj(
            {
              type: { const: 'audio' },
              sampleRateHz: int(1),
              voices: {
                type: 'array',
                minItems: 1,
                items: obj({ name: str, speakerId: int(0) }, ['name', 'speakerId']),
              },
              ...pcmContractJson,
            },
            ['type', 'sampleRateHz', 'voices'],
          ),
          obj({ type: { const: 'speech-segments' }, windowSamples: int(1) }, [
            'type',
            'windowSamples',
          ]),
          obj({ type: { const: 'embedding' }, dim: int(1) }, ['type', 'dim']),
        ],
      },
      files: {
        type: 'array',
        minItems: 1,
        items: obj(
          {
            path: relPath,
            bytes: int(0),
            sha256: { type: 'string', pattern: SHA256_RE.source },
            url: { type: 'string', format: 'uri', pattern: '^https?://' },
          },
          ['path', 'bytes', 'sha256'],
        ),
      },
      aliases: { type: 'array', items: { $ref: '#/$defs/modelName' }, default: [] },
      engine: { oneOf: [whisperEngine, vitsEngine, sileroVadEngine] },
      identity: identityJson,
      preprocessing: preprocessingJson,
      decode: decodeJson,
      eval: evalJson,
      controls: controlsJson,
    },
    [
      'schemaVersion',
      'name',
      'version',
      'kind',
      'description',
      'license',
      'source',
      'inputs',
      'outputs',
      'files',
      'engine',
    ],
  ),
  // Version 2 needs identity and controls (and, per kind, more: parseManifest checks those);
  // version 1 may not hold any contract block.
  allOf: [
    {
      if: { properties: { schemaVersion: { const: 2 } } },
      then: { required: ['identity', 'controls'] },
      else: { not: { anyOf: CONTRACT_FIELDS.map((f) => ({ required: [f] })) } },
    },
  ],
});
