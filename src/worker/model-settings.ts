/**
 * What a model version's manifest fixes between audio in and words out, as the worker runs it:
 * the VAD segmentation of files and streams and the text post-processing (its
 * `preprocessing.segmentation` and `decode.postprocess` blocks; tail paddings live in the engine,
 * model-loader.ts). Each loaded version is served with its own, so two versions of the same
 * weights with different settings run side by side on one worker, which is what a release of
 * such a version needs (docs/releases.md).
 *
 * A schemaVersion 1 manifest holds none of this: it is served with the worker's defaults, which
 * are the settings the catalog's 1.0.0 versions record.
 */
import type { VadOptions } from '../engines/index.js';
import type { Manifest } from '../registry/index.js';
import type { ChunkPlanOptions } from './chunk-plan.js';
import type { StreamingConfig } from './streaming/streaming-session.js';
import { DEFAULT_STREAMING_CONFIG } from './streaming/streaming-defaults.js';
import { ALL_POSTPROCESS_STEPS, type PostprocessStep } from './transcript-cleanup.js';

export interface FileSegmentation {
  readonly vad: VadOptions;
  readonly chunking: Omit<ChunkPlanOptions, 'totalS'>;
}

export interface AsrModelSettings {
  readonly streaming: StreamingConfig;
  readonly file: FileSegmentation;
  /** Text steps, in order, applied to every decode's output. */
  readonly postprocess: readonly PostprocessStep[];
}

/**
 * The version's settings: the manifest's where it has them, the worker's defaults for the rest.
 * Partial-result cadence is not in the contract (partials are provisional) and always comes
 * from the defaults.
 */
export function asrSettingsOf(manifest: Manifest, defaults: AsrModelSettings): AsrModelSettings {
  const segmentation = manifest.preprocessing?.segmentation;
  const stream = segmentation?.stream;
  const file = segmentation?.file;
  return {
    streaming:
      stream === undefined
        ? defaults.streaming
        : {
            ...defaults.streaming,
            vad: { threshold: stream.threshold, minSpeechMs: stream.minSpeechMs },
            maxUtteranceMs: stream.maxSpeechMs,
            padMs: stream.padMs,
            phraseGapMs: stream.phraseGapMs,
            commitLongAfterMs: stream.commitLongAfterMs,
          },
    file:
      file === undefined
        ? defaults.file
        : {
            vad: {
              threshold: file.threshold,
              minSpeechMs: file.minSpeechMs,
              minSilenceMs: file.minSilenceMs,
              maxSpeechMs: file.maxSpeechMs,
            },
            chunking: {
              maxChunkS: file.maxChunkMs / 1000,
              maxGapS: file.maxGapMs / 1000,
              padS: file.padMs / 1000,
            },
          },
    postprocess: manifest.decode?.postprocess ?? defaults.postprocess,
  };
}

/** Files: phrases of up to 25 s joined across pauses of up to 1.5 s (never cut mid-speech). */
export const DEFAULT_FILE_SEGMENTATION: FileSegmentation = Object.freeze({
  vad: Object.freeze({ threshold: 0.5, minSpeechMs: 250, minSilenceMs: 500, maxSpeechMs: 25_000 }),
  chunking: Object.freeze({ maxChunkS: 25, maxGapS: 1.5, padS: 0.25 }),
});

/** What a version whose manifest records no settings (schemaVersion 1) is served with. */
export const DEFAULT_ASR_SETTINGS: AsrModelSettings = Object.freeze({
  streaming: DEFAULT_STREAMING_CONFIG,
  file: DEFAULT_FILE_SEGMENTATION,
  postprocess: ALL_POSTPROCESS_STEPS,
});
