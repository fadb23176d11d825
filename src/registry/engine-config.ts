/**
 * The `engine` block of a manifest: which runtime loads the model and the exact config it takes.
 *
 * Configs keep sherpa-onnx-node's own shape (MODELS.md, "Config that works"), so an engine adapter
 * passes them on unchanged after one step: file references are paths relative to the model's
 * install folder, and `resolveEngineConfig` turns them into absolute paths. Which fields are file
 * references is written down once, in `listEngineFileRefs`, and the manifest validation checks that
 * each one names a file (or, for a directory, a folder holding files) listed in the manifest.
 */
import { z } from 'zod';

/** A path inside the model folder: POSIX separators, no `.`/`..` segments, not absolute. */
export const relativePathSchema = z.string().min(1).max(512).refine(isSafeRelativePath, {
  message: "must be a relative POSIX path with no '.' or '..' segments, backslashes or NUL",
});

export function isSafeRelativePath(p: string): boolean {
  if (p.includes('\\') || p.includes('\0') || p.startsWith('/') || /^[A-Za-z]:/.test(p)) {
    return false;
  }
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

const whisperConfigSchema = z
  .object({
    featConfig: z
      .object({ sampleRate: z.number().int().positive(), featureDim: z.number().int().positive() })
      .strict(),
    modelConfig: z
      .object({
        whisper: z
          .object({
            encoder: relativePathSchema,
            decoder: relativePathSchema,
            /** ISO 639-1 code; '' lets a multilingual model detect the language. */
            language: z.string().regex(/^([a-z]{2,3})?$/, 'must be an ISO 639 code or "" (detect)'),
            task: z.enum(['transcribe', 'translate']),
            /**
             * Frames (10 ms) of zero features appended to the input, capped at 3000 in total;
             * <= 0 means sherpa-onnx's default of 1000 (10 s). The catalog ships -1; the worker may
             * override it per model (MODELS.md: 3000 lowers tiny.en dev WER 16.8 % -> 13.0 % at
             * +49 % decode time, and brings no gain for base).
             */
            tailPaddings: z.number().int(),
          })
          .strict(),
        tokens: relativePathSchema,
        numThreads: z.number().int().positive(),
        provider: z.enum(['cpu', 'cuda', 'coreml']),
        debug: z.number().int().min(0).max(1),
      })
      .strict(),
  })
  .strict();

const vitsConfigSchema = z
  .object({
    model: z
      .object({
        vits: z
          .object({
            model: relativePathSchema,
            tokens: relativePathSchema,
            /** A directory (espeak-ng-data); the files inside it are listed in the manifest. */
            dataDir: relativePathSchema,
            noiseScale: z.number().nonnegative(),
            noiseScaleW: z.number().nonnegative(),
            lengthScale: z.number().positive(),
          })
          .strict(),
        numThreads: z.number().int().positive(),
        provider: z.enum(['cpu', 'cuda', 'coreml']),
        debug: z.number().int().min(0).max(1),
      })
      .strict(),
    maxNumSentences: z.number().int().positive(),
  })
  .strict();

/** Per-call settings for `OfflineTts.generate()`; see the vits engine notes in the catalog. */
const vitsGenerationSchema = z
  .object({
    silenceScale: z.number().positive(),
    speed: z.number().positive(),
    sid: z.number().int().nonnegative(),
  })
  .strict();

const sileroVadConfigSchema = z
  .object({
    sileroVad: z
      .object({
        model: relativePathSchema,
        threshold: z.number().gt(0).lt(1),
        minSpeechDuration: z.number().nonnegative(),
        minSilenceDuration: z.number().nonnegative(),
        windowSize: z.number().int().positive(),
        maxSpeechDuration: z.number().positive(),
      })
      .strict(),
    sampleRate: z.number().int().positive(),
    numThreads: z.number().int().positive(),
    debug: z.boolean(),
  })
  .strict();

const notesSchema = z.array(z.string().min(1)).default([]);

export const engineSchema = z.discriminatedUnion('kind', [
  z
    .object({
      /**
       * sherpa-onnx's OfflineRecognizer, or ONNX Runtime with voxfleet's features and greedy loop
       * (engines/ort; English-only checkpoints). Both read the same files and config.
       */
      runtime: z.enum(['sherpa-onnx', 'onnxruntime']),
      kind: z.literal('whisper'),
      config: whisperConfigSchema,
      notes: notesSchema,
    })
    .strict(),
  z
    .object({
      runtime: z.literal('sherpa-onnx'),
      kind: z.literal('vits'),
      config: vitsConfigSchema,
      /** Pass on every generate() call: sherpa-onnx 1.13.8 ignores a top-level silenceScale. */
      generationConfig: vitsGenerationSchema,
      notes: notesSchema,
    })
    .strict(),
  z
    .object({
      runtime: z.literal('sherpa-onnx'),
      kind: z.literal('silero-vad'),
      config: sileroVadConfigSchema,
      /** Second argument of `new sherpa.Vad(config, bufferSizeInSeconds)`. */
      bufferSizeInSeconds: z.number().positive(),
      notes: notesSchema,
    })
    .strict(),
]);

export type EngineSpec = z.infer<typeof engineSchema>;
export type EngineKind = EngineSpec['kind'];
export type WhisperEngineConfig = z.infer<typeof whisperConfigSchema>;
export type VitsEngineConfig = z.infer<typeof vitsConfigSchema>;
export type VitsGenerationConfig = z.infer<typeof vitsGenerationSchema>;
export type SileroVadEngineConfig = z.infer<typeof sileroVadConfigSchema>;

/** One config field that names a file (or a directory of listed files) in the model folder. */
export interface EngineFileRef {
  /** Dotted path of the field inside `engine`, e.g. `config.modelConfig.tokens`. */
  readonly field: string;
  readonly path: string;
  readonly isDirectory: boolean;
}

/** The single table of which engine config fields are file references. */
export function listEngineFileRefs(engine: DeepReadonlyEngine): EngineFileRef[] {
  const file = (field: string, path: string): EngineFileRef => ({
    field,
    path,
    isDirectory: false,
  });
  switch (engine.kind) {
    case 'whisper': {
      const mc = engine.config.modelConfig;
      return [
        file('config.modelConfig.whisper.encoder', mc.whisper.encoder),
        file('config.modelConfig.whisper.decoder', mc.whisper.decoder),
        file('config.modelConfig.tokens', mc.tokens),
      ];
    }
    case 'vits': {
      const v = engine.config.model.vits;
      return [
        file('config.model.vits.model', v.model),
        file('config.model.vits.tokens', v.tokens),
        { field: 'config.model.vits.dataDir', path: v.dataDir, isDirectory: true },
      ];
    }
    case 'silero-vad':
      return [file('config.sileroVad.model', engine.config.sileroVad.model)];
  }
}

/**
 * A fresh, mutable copy of the engine block with every file reference made absolute through
 * `resolvePath` (normally `InstalledModel.pathOf`). The worker may change tunables on the copy
 * (e.g. `config.modelConfig.whisper.tailPaddings = 3000`) before handing it to the engine.
 */
export function resolveEngineConfig(
  engine: DeepReadonlyEngine,
  resolvePath: (relPath: string) => string,
): EngineSpec {
  const copy = structuredClone(engine) as EngineSpec;
  switch (copy.kind) {
    case 'whisper': {
      const mc = copy.config.modelConfig;
      mc.whisper.encoder = resolvePath(mc.whisper.encoder);
      mc.whisper.decoder = resolvePath(mc.whisper.decoder);
      mc.tokens = resolvePath(mc.tokens);
      break;
    }
    case 'vits': {
      const v = copy.config.model.vits;
      v.model = resolvePath(v.model);
      v.tokens = resolvePath(v.tokens);
      v.dataDir = resolvePath(v.dataDir);
      break;
    }
    case 'silero-vad':
      copy.config.sileroVad.model = resolvePath(copy.config.sileroVad.model);
      break;
  }
  return copy;
}

/** Immutable view of an engine block, as held inside a parsed (frozen) manifest. */
export type DeepReadonlyEngine = DeepReadonly<EngineSpec>;

export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
