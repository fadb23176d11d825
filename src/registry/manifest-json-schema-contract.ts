/**
 * The JSON Schema of the schemaVersion 2 contract blocks (manifest-contract.ts), for
 * manifest-json-schema.ts. Shapes only: which blocks each kind needs, and the references into
 * `files`, are checked by `parseManifest` alone.
 */
import {
  CAPACITY_REPORT_SCHEMA,
  COMMIT_RE,
  DATE_RE,
  EVAL_REPORT_SCHEMA,
  MODEL_REF_RE,
  POSTPROCESS_STEPS,
} from './manifest-contract.js';

type JsonSchema = Readonly<Record<string, unknown>>;

export const obj = (
  properties: Record<string, JsonSchema>,
  required: readonly string[],
): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
export const str: JsonSchema = { type: 'string', minLength: 1 };
export const int = (minimum?: number): JsonSchema => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
});
export const num = (extra: Record<string, number> = {}): JsonSchema => ({
  type: 'number',
  ...extra,
});
export const bool: JsonSchema = { type: 'boolean' };
export const relPath: JsonSchema = { $ref: '#/$defs/relativePath' };
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });
const rate = num({ minimum: 0 });
const commit: JsonSchema = { type: 'string', pattern: COMMIT_RE.source };
const cpuFeatures: JsonSchema = { type: 'array', items: str };

export const identityJson = obj(
  {
    owner: str,
    releaseDate: { type: 'string', format: 'date', pattern: DATE_RE.source },
    trainingCommit: commit,
    servingCommit: commit,
  },
  ['owner', 'releaseDate'],
);

const vadSettings = {
  threshold: num({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
  minSpeechMs: int(0),
  maxSpeechMs: int(1),
  padMs: int(0),
};

export const preprocessingJson = obj(
  {
    features: obj(
      {
        type: { enum: ['whisper-log-mel'] },
        melBins: int(1),
        frameShiftMs: num({ exclusiveMinimum: 0 }),
        frameLengthMs: num({ exclusiveMinimum: 0 }),
      },
      ['type', 'melBins', 'frameShiftMs', 'frameLengthMs'],
    ),
    tokenizer: obj({ type: { enum: ['whisper-bpe', 'piper-phonemes'] }, file: relPath }, [
      'type',
      'file',
    ]),
    segmentation: obj(
      {
        vadModel: { type: 'string', pattern: MODEL_REF_RE.source },
        file: obj({ ...vadSettings, minSilenceMs: int(0), maxChunkMs: int(1), maxGapMs: int(0) }, [
          ...Object.keys(vadSettings),
          'minSilenceMs',
          'maxChunkMs',
          'maxGapMs',
        ]),
        stream: obj({ ...vadSettings, phraseGapMs: int(1), commitLongAfterMs: int(1) }, [
          ...Object.keys(vadSettings),
          'phraseGapMs',
          'commitLongAfterMs',
        ]),
      },
      ['vadModel', 'file', 'stream'],
    ),
    text: obj({ phonemizer: { enum: ['espeak-ng'] }, splitSentences: bool }, [
      'phonemizer',
      'splitSentences',
    ]),
  },
  [],
);

export const decodeJson = obj(
  {
    search: { enum: ['greedy'] },
    tailPaddings: obj({ file: int(), streamPartial: int(), streamFinal: int() }, [
      'file',
      'streamPartial',
      'streamFinal',
    ]),
    postprocess: { type: 'array', items: { enum: [...POSTPROCESS_STEPS] } },
  },
  ['search', 'postprocess'],
);

export const transcriptContractJson = {
  schema: { const: 'voxfleet.transcript/1' },
  timestamps: obj(
    { segments: { enum: ['vad', 'model'] }, words: { enum: ['none', 'estimated', 'model'] } },
    ['segments', 'words'],
  ),
  confidence: { enum: ['none', 'token', 'word', 'segment'] },
};

export const pcmContractJson = { encoding: { const: 'pcm_f32le' }, channels: int(1) };

const qualityJson = obj(
  {
    report: relPath,
    schema: { const: EVAL_REPORT_SCHEMA },
    createdAt: str,
    path: { enum: ['rest', 'ws', 'ws-realtime', 'engine'] },
    numbers: { enum: ['spell', 'keep'] },
    utterances: int(0),
    failed: int(0),
    audioS: rate,
    slices: {
      type: 'array',
      minItems: 1,
      items: obj({ slice: str, utterances: int(0), refWords: int(0), wer: rate, cer: rate }, [
        'slice',
        'utterances',
        'refWords',
        'wer',
        'cer',
      ]),
    },
    latencyMs: nullable(obj({ p50: rate, p95: rate, p99: rate }, ['p50', 'p95', 'p99'])),
    rtf: nullable(obj({ p50: rate, p95: rate, total: rate }, ['p50', 'p95', 'total'])),
    baseline: nullable(
      obj(
        {
          model: { type: ['string', 'null'] },
          modelVersion: { type: ['string', 'null'] },
          pairedUtterances: int(0),
          worstSlice: str,
          worstDelta: num(),
          worstCiLow: num(),
          allDelta: num(),
          allCiLow: num(),
          regressedSlices: { type: 'array', items: str },
          gateFailed: bool,
        },
        [
          'model',
          'modelVersion',
          'pairedUtterances',
          'worstSlice',
          'worstDelta',
          'regressedSlices',
          'gateFailed',
        ],
      ),
    ),
    machine: obj({ cpuModel: str, cores: int(0), cpuFeatures }, ['cpuModel', 'cores']),
  },
  [
    'report',
    'schema',
    'createdAt',
    'path',
    'numbers',
    'utterances',
    'failed',
    'audioS',
    'slices',
    'latencyMs',
    'rtf',
    'baseline',
    'machine',
  ],
);

const capacityJson = obj(
  {
    report: relPath,
    schema: { const: CAPACITY_REPORT_SCHEMA },
    createdAt: str,
    slo: obj({ finalP95Ms: rate, firstPartialP95Ms: rate, maxErrorRate: rate }, [
      'finalP95Ms',
      'firstPartialP95Ms',
      'maxErrorRate',
    ]),
    stepDurationS: rate,
    rows: {
      type: 'array',
      minItems: 1,
      items: obj(
        { frameMs: int(1), maxStreams: int(0), outcome: { enum: ['found', 'capped', 'none'] } },
        ['frameMs', 'maxStreams', 'outcome'],
      ),
    },
    machine: obj({ cpuModel: str, cores: int(0), memoryBytes: int(0), cpuFeatures }, [
      'cpuModel',
      'cores',
      'memoryBytes',
    ]),
  },
  ['report', 'schema', 'createdAt', 'slo', 'stepDurationS', 'rows', 'machine'],
);

export const evalJson = obj({ quality: qualityJson, capacity: capacityJson }, []);

export const controlsJson = obj(
  {
    oncall: str,
    rolloutPlan: relPath,
    rollbackTo: { type: 'string', pattern: MODEL_REF_RE.source },
    retention: obj({ minDaysAfterRetired: int(0) }, ['minDaysAfterRetired']),
  },
  ['oncall'],
);
