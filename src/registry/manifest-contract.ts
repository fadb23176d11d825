/**
 * The release contract that schemaVersion 2 adds to a manifest:
 *
 * - `identity`: who owns the version, when it was released, which code trained and serves it;
 * - `preprocessing` and `decode`: everything between audio in and words out that changes the
 *   output and is not already in `engine` (features, tokenizer, VAD segmentation, tail padding,
 *   search, text post-processing). The same weights with different values here are a different
 *   version;
 * - `eval`: summaries of the `voxfleet eval` (result.json) and `voxfleet capacity`
 *   (capacity.json) reports, which are files of the version. `publish` re-derives each summary
 *   from its report and refuses one that differs, so no figure here is typed in;
 * - `controls`: the rollout plan (a file of the version), the version to roll back to, the
 *   retention policy and the on-call owner.
 *
 * The shapes are here; the rules that tie them to the rest of the manifest are in
 * `checkContract`, which `manifest.ts` runs.
 */
import { z } from 'zod';
import { relativePathSchema } from './engine-config.js';
import { isSemver } from './semver.js';

/** `name@version`, e.g. `silero-vad@1.0.0`. */
export const MODEL_REF_RE = /^[a-z0-9][a-z0-9._-]{0,63}@[0-9A-Za-z.+-]+$/;
/** A git commit: 7-40 hex digits, optionally after `<repository>@`. */
export const COMMIT_RE = /^([A-Za-z0-9._:/-]+@)?[0-9a-f]{7,40}$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
export const EVAL_REPORT_SCHEMA = 'voxfleet.eval.result/1';
export const CAPACITY_REPORT_SCHEMA = 'voxfleet.capacity/1';

const commitSchema = z
  .string()
  .regex(COMMIT_RE, "must be a git commit (7-40 hex digits, optionally 'repository@' before it)");
const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();
const text = z.string().min(1);
/** A measurement machine's vector extensions (eval/runner/machine.ts); absent in older reports. */
const cpuFeaturesSchema = z.array(text).optional();

export const identitySchema = z
  .object({
    /** Team or person accountable for the version. */
    owner: text,
    /** Calendar date the version was released, YYYY-MM-DD. */
    releaseDate: z.string().refine(isCalendarDate, 'must be a calendar date, YYYY-MM-DD'),
    /** Commit of the code that trained (or converted) the weights; absent when not known. */
    trainingCommit: commitSchema.optional(),
    /** voxfleet commit the contract below was validated with; absent when not known. */
    servingCommit: commitSchema.optional(),
  })
  .strict();

const featuresSchema = z
  .object({
    /** The front end the engine computes from PCM (fixed by the runtime for whisper). */
    type: z.enum(['whisper-log-mel']),
    melBins: z.number().int().positive(),
    frameShiftMs: z.number().positive(),
    frameLengthMs: z.number().positive(),
  })
  .strict();

const tokenizerSchema = z
  .object({
    type: z.enum(['whisper-bpe', 'piper-phonemes']),
    /** The token table; must be the file the engine config names. */
    file: relativePathSchema,
  })
  .strict();

const vadSettings = {
  /** Speech probability threshold. */
  threshold: z.number().gt(0).lt(1),
  /** Shorter bursts are not speech. */
  minSpeechMs: count,
  /** Longer speech is cut. */
  maxSpeechMs: z.number().int().positive(),
  /** Audio kept either side of speech. */
  padMs: count,
};

const segmentationSchema = z
  .object({
    /** The VAD model, `name@version`, whose output these settings were tuned on. */
    vadModel: z.string().regex(MODEL_REF_RE, "must be 'name@version'"),
    /** File requests: VAD, then speech joined into chunks cut only at silence. */
    file: z
      .object({
        ...vadSettings,
        /** Silence that closes a speech span. */
        minSilenceMs: count,
        /** Longest chunk handed to one decode. */
        maxChunkMs: z.number().int().positive(),
        /** Speech spans further apart are decoded separately. */
        maxGapMs: count,
      })
      .strict(),
    /** Streams: the phrase end (or the client's endpointing, if shorter) closes an utterance. */
    stream: z
      .object({
        ...vadSettings,
        /** A pause this long ends a phrase. */
        phraseGapMs: z.number().int().positive(),
        /** A phrase end after this much speech is a final. */
        commitLongAfterMs: z.number().int().positive(),
      })
      .strict(),
  })
  .strict();

const textSchema = z
  .object({
    /** Text to phonemes. */
    phonemizer: z.enum(['espeak-ng']),
    /** Whether input text is split into sentences, each synthesised on its own. */
    splitSentences: z.boolean(),
  })
  .strict();

export const preprocessingSchema = z
  .object({
    features: featuresSchema.optional(),
    tokenizer: tokenizerSchema.optional(),
    segmentation: segmentationSchema.optional(),
    text: textSchema.optional(),
  })
  .strict();

/** Text post-processing steps, in the order they run (src/worker/transcript-cleanup.ts). */
export const POSTPROCESS_STEPS = ['strip-non-speech-tags', 'collapse-repeats'] as const;

export const decodeSchema = z
  .object({
    /** Decoding search; sherpa-onnx's whisper decodes greedily only. */
    search: z.enum(['greedy']),
    /**
     * Frames (10 ms) of zero features appended per decode pass; <= 0 is the runtime's default
     * (1000). `streamPartial` is also the engine config's `tailPaddings`.
     */
    tailPaddings: z
      .object({
        file: z.number().int(),
        streamPartial: z.number().int(),
        streamFinal: z.number().int(),
      })
      .strict()
      .optional(),
    postprocess: z.array(z.enum(POSTPROCESS_STEPS)),
  })
  .strict();

/** Fields schemaVersion 2 adds to a `transcript` output. */
export const transcriptContractFields = {
  /** The result shape: FileTranscriptionResult / `final` events of src/core/protocol.ts. */
  schema: z.literal('voxfleet.transcript/1').optional(),
  /** Where segment and word times come from. */
  timestamps: z
    .object({
      segments: z.enum(['vad', 'model']),
      words: z.enum(['none', 'estimated', 'model']),
    })
    .strict()
    .optional(),
  confidence: z.enum(['none', 'token', 'word', 'segment']).optional(),
};

/** Fields schemaVersion 2 adds to an `audio` output. */
export const audioContractFields = {
  encoding: z.literal('pcm_f32le').optional(),
  channels: z.number().int().positive().optional(),
};

/** Fields schemaVersion 2 adds to `inputs` (what the engine is fed, after the gateway decoded). */
export const inputContractFields = {
  encoding: z.literal('pcm_f32le').optional(),
  channels: z.number().int().positive().optional(),
};

const latencySchema = z.object({ p50: rate, p95: rate, p99: rate }).strict();

/** Summary of a `voxfleet eval` result.json (schema voxfleet.eval.result, version 1). */
export const qualitySummarySchema = z
  .object({
    /** The report, a file of this version. */
    report: relativePathSchema,
    schema: z.literal(EVAL_REPORT_SCHEMA),
    createdAt: text,
    /** The API path measured. */
    path: z.enum(['rest', 'ws', 'ws-realtime', 'engine']),
    /** The headline number normalisation. */
    numbers: z.enum(['spell', 'keep']),
    utterances: count,
    failed: count,
    audioS: rate,
    /** WER and CER per slice ('all' first), under `numbers`. */
    slices: z
      .array(
        z
          .object({ slice: text, utterances: count, refWords: count, wer: rate, cer: rate })
          .strict(),
      )
      .min(1),
    latencyMs: latencySchema.nullable(),
    rtf: z.object({ p50: rate, p95: rate, total: rate }).strict().nullable(),
    /** The comparison against the baseline, when the run had one (`--compare`). */
    baseline: z
      .object({
        model: z.string().nullable(),
        modelVersion: z.string().nullable(),
        pairedUtterances: count,
        worstSlice: text,
        worstDelta: z.number(),
        /**
         * Lower bound of the bootstrap interval of the worst gated slice's WER delta, and the
         * whole set's delta and lower bound (WER fractions; positive = the version is worse).
         * What release gates compare (`worst_slice_wer_delta`, `wer_delta`): a regression
         * counts once even the lower bound is past the threshold. Absent in summaries made
         * before they were recorded.
         */
        worstCiLow: z.number().optional(),
        allDelta: z.number().optional(),
        allCiLow: z.number().optional(),
        /** Known regressions: slices whose WER rose beyond the gate. */
        regressedSlices: z.array(text),
        gateFailed: z.boolean(),
      })
      .strict()
      .nullable(),
    machine: z.object({ cpuModel: text, cores: count, cpuFeatures: cpuFeaturesSchema }).strict(),
  })
  .strict();

/** Summary of a `voxfleet capacity` capacity.json (schema voxfleet.capacity/1). */
export const capacitySummarySchema = z
  .object({
    report: relativePathSchema,
    schema: z.literal(CAPACITY_REPORT_SCHEMA),
    createdAt: text,
    slo: z.object({ finalP95Ms: rate, firstPartialP95Ms: rate, maxErrorRate: rate }).strict(),
    stepDurationS: rate,
    /** Largest number of concurrent streams inside the SLO, per frame size. */
    rows: z
      .array(
        z
          .object({
            frameMs: z.number().int().positive(),
            maxStreams: count,
            outcome: z.enum(['found', 'capped', 'none']),
          })
          .strict(),
      )
      .min(1),
    machine: z
      .object({ cpuModel: text, cores: count, memoryBytes: count, cpuFeatures: cpuFeaturesSchema })
      .strict(),
  })
  .strict();

export const evalSchema = z
  .object({
    quality: qualitySummarySchema.optional(),
    capacity: capacitySummarySchema.optional(),
  })
  .strict();

export const controlsSchema = z
  .object({
    /** Who is paged for this version. */
    oncall: text,
    /** The rollout plan, a file of this version (its format belongs to the release role). */
    rolloutPlan: relativePathSchema.optional(),
    /**
     * What to roll back to, `name@version` (a release plan's baseline; it may be another model,
     * e.g. a rollout from one ASR model to another).
     */
    rollbackTo: z
      .string()
      .refine(isVersionRef, "must be 'name@version' with a semantic version")
      .optional(),
    /** How long the registry keeps the version once no alias or rollout uses it; absent: forever. */
    retention: z.object({ minDaysAfterRetired: count }).strict().optional(),
  })
  .strict();

export type Identity = z.output<typeof identitySchema>;
export type Preprocessing = z.output<typeof preprocessingSchema>;
export type Decode = z.output<typeof decodeSchema>;
export type QualitySummary = z.output<typeof qualitySummarySchema>;
export type CapacitySummary = z.output<typeof capacitySummarySchema>;
export type EvalSummaries = z.output<typeof evalSchema>;
export type Controls = z.output<typeof controlsSchema>;

/** The top-level fields only schemaVersion 2 may hold. */
export const CONTRACT_FIELDS = ['identity', 'preprocessing', 'decode', 'eval', 'controls'] as const;

type Issue = (path: (string | number)[], message: string) => void;

/** The part of a parsed manifest the contract rules look at. */
export interface ContractView {
  readonly schemaVersion: number;
  readonly name: string;
  readonly version: string;
  readonly kind: string;
  readonly inputs: {
    readonly featureDim?: number;
    readonly encoding?: string;
    readonly channels?: number;
    readonly sampleRateHz?: number;
  };
  readonly outputs: Readonly<Record<string, unknown>> & { readonly type: string };
  readonly engine: {
    readonly kind: string;
    readonly config: unknown;
  };
  readonly identity?: Identity | undefined;
  readonly preprocessing?: Preprocessing | undefined;
  readonly decode?: Decode | undefined;
  readonly eval?: EvalSummaries | undefined;
  readonly controls?: Controls | undefined;
  /** `listed(path, isDirectory)`: whether `files` lists it. */
  readonly listed: (path: string, isDirectory: boolean) => boolean;
  /** The engine's token table, when the engine has one. */
  readonly engineTokens: string | undefined;
  /** The engine's default tail padding (whisper), when it has one. */
  readonly engineTailPaddings: number | undefined;
}

/**
 * The cross-field rules of the contract. Version 1 manifests may not hold contract fields;
 * version 2 manifests must hold those their kind needs.
 */
export function checkContract(m: ContractView, issue: Issue): void {
  if (m.schemaVersion === 1) {
    const outputExtras = Object.keys({ ...transcriptContractFields, ...audioContractFields });
    for (const field of CONTRACT_FIELDS)
      if (m[field] !== undefined) issue([field], 'needs schemaVersion 2');
    for (const field of Object.keys(inputContractFields))
      if ((m.inputs as Record<string, unknown>)[field] !== undefined)
        issue(['inputs', field], 'needs schemaVersion 2');
    for (const field of outputExtras)
      if (m.outputs[field] !== undefined) issue(['outputs', field], 'needs schemaVersion 2');
    return;
  }
  const required = (present: unknown, path: (string | number)[], why: string): void => {
    if (present === undefined) issue(path, `is required (${why})`);
  };
  required(m.identity, ['identity'], 'schemaVersion 2');
  required(m.controls, ['controls'], 'schemaVersion 2');
  const audioIn = m.inputs.sampleRateHz !== undefined;
  if (audioIn) {
    required(m.inputs.encoding, ['inputs', 'encoding'], 'audio input, schemaVersion 2');
    required(m.inputs.channels, ['inputs', 'channels'], 'audio input, schemaVersion 2');
  }
  const pre = m.preprocessing;
  if (m.kind === 'asr') {
    required(pre?.features, ['preprocessing', 'features'], "kind 'asr'");
    required(pre?.tokenizer, ['preprocessing', 'tokenizer'], "kind 'asr'");
    required(pre?.segmentation, ['preprocessing', 'segmentation'], "kind 'asr'");
    required(m.decode, ['decode'], "kind 'asr'");
    for (const f of ['schema', 'timestamps', 'confidence'])
      required(m.outputs[f], ['outputs', f], "kind 'asr', schemaVersion 2");
  }
  if (m.kind === 'tts') {
    required(pre?.tokenizer, ['preprocessing', 'tokenizer'], "kind 'tts'");
    required(pre?.text, ['preprocessing', 'text'], "kind 'tts'");
    for (const f of ['encoding', 'channels'])
      required(m.outputs[f], ['outputs', f], "kind 'tts', schemaVersion 2");
  }
  if (m.kind !== 'asr') {
    if (pre?.features !== undefined) issue(['preprocessing', 'features'], "is for kind 'asr' only");
    if (pre?.segmentation !== undefined)
      issue(['preprocessing', 'segmentation'], "is for kind 'asr' only");
    if (m.decode !== undefined) issue(['decode'], "is for kind 'asr' only");
    if (m.eval?.capacity !== undefined) issue(['eval', 'capacity'], "is for kind 'asr' only");
    if (m.eval?.quality !== undefined) issue(['eval', 'quality'], "is for kind 'asr' only");
  }
  if (m.kind !== 'tts' && pre?.text !== undefined)
    issue(['preprocessing', 'text'], "is for kind 'tts' only");

  if (pre?.features !== undefined && pre.features.melBins !== m.inputs.featureDim)
    issue(['preprocessing', 'features', 'melBins'], "must equal 'inputs.featureDim'");
  if (pre?.tokenizer !== undefined && pre.tokenizer.file !== m.engineTokens)
    issue(['preprocessing', 'tokenizer', 'file'], 'must be the token file the engine config names');
  if (pre?.segmentation !== undefined && pre.segmentation.vadModel.split('@')[0] === m.name)
    issue(['preprocessing', 'segmentation', 'vadModel'], 'must name another model');
  if (m.engine.kind === 'whisper' && m.decode !== undefined) {
    const tail = m.decode.tailPaddings;
    if (tail === undefined) issue(['decode', 'tailPaddings'], "is required for engine 'whisper'");
    else if (tail.streamPartial !== m.engineTailPaddings)
      issue(
        ['decode', 'tailPaddings', 'streamPartial'],
        "must equal 'engine.config.modelConfig.whisper.tailPaddings'",
      );
  }
  const timestamps = m.outputs.timestamps as { words?: string } | undefined;
  if (timestamps !== undefined && (timestamps.words === 'model') !== m.outputs.wordTimings)
    issue(
      ['outputs', 'timestamps', 'words'],
      "must be 'model' exactly when 'outputs.wordTimings' is true",
    );

  for (const part of ['quality', 'capacity'] as const) {
    const report = m.eval?.[part]?.report;
    if (report !== undefined && !m.listed(report, false))
      issue(['eval', part, 'report'], `names ${JSON.stringify(report)}, which is not in 'files'`);
  }
  const plan = m.controls?.rolloutPlan;
  if (plan !== undefined && !m.listed(plan, false))
    issue(['controls', 'rolloutPlan'], `names ${JSON.stringify(plan)}, which is not in 'files'`);
  if (m.controls?.rollbackTo === `${m.name}@${m.version}`)
    issue(['controls', 'rollbackTo'], 'must name another version than this one');
}

function isCalendarDate(value: string): boolean {
  if (!DATE_RE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

function isVersionRef(value: string): boolean {
  const at = value.lastIndexOf('@');
  return MODEL_REF_RE.test(value) && isSemver(value.slice(at + 1));
}
