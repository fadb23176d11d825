/**
 * Turns installed, hash-verified models into engines. The registry's `loadVerified` is the only
 * way in: a model whose files do not match their manifest never reaches an engine.
 */
import { VoxfleetError } from '../core/index.js';
import {
  createPiperEngine,
  createSileroVadEngine,
  createWhisperEngine,
  createWhisperThreadEngine,
  type VadEngine,
} from '../engines/index.js';
import { describeModel, type InstalledModel, type ModelStore } from '../registry/index.js';
import { ModelSet, type LoadedAsrModel, type LoadedTtsModel } from './model-set.js';
import { DEFAULT_ASR_SETTINGS, asrSettingsOf } from './model-settings.js';

export interface ModelLoadTuning {
  /**
   * Tail padding for file decodes by model name, over the manifest's `decode.tailPaddings.file`.
   * A worker told this no longer serves what the version's manifest says: for experiments.
   */
  readonly tailPaddings?: Readonly<Record<string, number>>;
  /** Tail padding for streaming finals by model name, over `decode.tailPaddings.streamFinal`. */
  readonly liveTailPaddings?: Readonly<Record<string, number>>;
  /**
   * Whisper inference threads per model, each owning its recognizers and decoding one segment at
   * a time (docs/benchmarks.md); 0 or undefined = sherpa-onnx's decodeAsync on the libuv pool.
   */
  readonly inferenceThreads?: number;
  /** Low-priority threads per Whisper model for background decodes (with inference threads). */
  readonly backgroundThreads?: number;
}

export interface LoadedModels {
  readonly models: ModelSet;
  readonly vad: VadEngine;
}

export async function loadModels(
  store: ModelStore,
  refs: readonly string[],
  tuning: ModelLoadTuning,
): Promise<LoadedModels> {
  const { models, vad } = await loadEngines(store, refs, tuning);
  if (vad === undefined && models.asr.length > 0) {
    throw new VoxfleetError(
      'MODEL_NOT_INSTALLED',
      'ASR needs a VAD model: add silero-vad to the models to load',
      { field: 'models' },
    );
  }
  return { models, vad: vad ?? createSileroVadEngineUnavailable() };
}

/**
 * Versions loaded into a running worker beside what it serves (a rollout's candidate synced to
 * its region): the worker's VAD serves them too.
 */
export async function loadAdditionalModels(
  store: ModelStore,
  refs: readonly string[],
  tuning: ModelLoadTuning,
): Promise<ModelSet> {
  const { models, vad } = await loadEngines(store, refs, tuning);
  vad?.close();
  return models;
}

async function loadEngines(
  store: ModelStore,
  refs: readonly string[],
  tuning: ModelLoadTuning,
): Promise<{ models: ModelSet; vad: VadEngine | undefined }> {
  const installed = await Promise.all(refs.map((ref) => store.loadVerified(ref)));
  const asr: LoadedAsrModel[] = [];
  const tts: LoadedTtsModel[] = [];
  let vad: VadEngine | undefined;
  await Promise.all(
    installed.map(async (model) => {
      const spec = model.engineConfig();
      switch (spec.kind) {
        case 'whisper':
          asr.push({
            descriptor: describeModel(model.manifest),
            engine: await loadWhisper(model, spec, tuning),
            settings: asrSettingsOf(model.manifest, DEFAULT_ASR_SETTINGS),
          });
          return;
        case 'vits': {
          const vits = spec.config.model.vits;
          const voices =
            model.manifest.outputs.type === 'audio'
              ? model.manifest.outputs.voices.map((v) => v.name)
              : ['default'];
          const engine = await createPiperEngine({
            modelPath: vits.model,
            tokensPath: vits.tokens,
            dataDir: vits.dataDir,
            voices,
            noiseScale: vits.noiseScale,
            noiseScaleW: vits.noiseScaleW,
            lengthScale: vits.lengthScale,
            numThreads: spec.config.model.numThreads,
            silenceScale: spec.generationConfig.silenceScale,
          });
          tts.push({ descriptor: describeModel(model.manifest), engine });
          return;
        }
        case 'silero-vad':
          vad = createSileroVadEngine({ modelPath: spec.config.sileroVad.model });
          return;
      }
    }),
  );
  // Keep the order the user listed models in: the first English model is the English default.
  // By version too: two versions of one model load side by side, finishing in either order,
  // and the one listed first must stay what its bare name and aliases resolve to. Voices too:
  // the first listed is the default voice.
  const order = (d: { name: string; version: string }): number =>
    installed.findIndex((m) => m.name === d.name && m.version === d.version);
  asr.sort((a, b) => order(a.descriptor) - order(b.descriptor));
  tts.sort((a, b) => order(a.descriptor) - order(b.descriptor));
  return { models: new ModelSet(asr, tts), vad };
}

async function loadWhisper(
  model: InstalledModel,
  spec: Extract<ReturnType<InstalledModel['engineConfig']>, { kind: 'whisper' }>,
  tuning: ModelLoadTuning,
) {
  const mc = spec.config.modelConfig;
  // The manifest's paddings (schemaVersion 2); a version 1 manifest has only the engine's.
  const paddings = model.manifest.decode?.tailPaddings;
  const partial = paddings?.streamPartial ?? mc.whisper.tailPaddings;
  const config = {
    encoderPath: mc.whisper.encoder,
    decoderPath: mc.whisper.decoder,
    tokensPath: mc.tokens,
    multilingual: model.manifest.inputs.languages.includes('*'),
    tailPaddingsFinal:
      tuning.tailPaddings?.[model.name] ?? paddings?.file ?? mc.whisper.tailPaddings,
    tailPaddingsPartial: partial,
    tailPaddingsLiveFinal:
      tuning.liveTailPaddings?.[model.name] ?? paddings?.streamFinal ?? partial,
    numThreads: mc.numThreads,
    maxRecognizers: 4,
    runtime: spec.runtime,
  };
  if (spec.runtime === 'onnxruntime' && config.multilingual) {
    throw new VoxfleetError(
      'MODEL_MANIFEST_INVALID',
      `${model.name}@${model.version}: the onnxruntime whisper runtime serves English-only checkpoints`,
      { field: 'engine.runtime' },
    );
  }
  // ONNX Runtime's Node binding runs a model on the calling thread, so that runtime always gets
  // inference threads: one when the worker asked for none (the libuv pool is sherpa-onnx's).
  const threads =
    spec.runtime === 'onnxruntime'
      ? Math.max(1, tuning.inferenceThreads ?? 0)
      : (tuning.inferenceThreads ?? 0);
  return threads > 0
    ? createWhisperThreadEngine({
        ...config,
        threads,
        backgroundThreads: tuning.backgroundThreads ?? 0,
      })
    : createWhisperEngine(config);
}

/** A VAD stand-in for TTS-only workers: any ASR use is a configuration error. */
function createSileroVadEngineUnavailable(): VadEngine {
  return {
    sampleRateHz: 16000,
    openSession() {
      throw new VoxfleetError('MODEL_NOT_INSTALLED', 'no VAD model is loaded on this worker');
    },
    prewarm: () => undefined,
    close: () => undefined,
  };
}
