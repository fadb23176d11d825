/**
 * The worker the embedded server runs, built without a gateway: models installed from the
 * mirror or registry when missing, hash-verified and loaded through the registry, and a
 * SpeechWorker with the serve settings. `voxfleet serve` puts a gateway in front of it;
 * `voxfleet eval --path engine` calls its file pipeline directly, so both run the same code with
 * the same settings.
 */
import { newId, preloadResampler, type Clock, type ServeConfig } from '../core/index.js';
import { openModelStore, type ModelStore, type PullProgress } from '../registry/index.js';
import type { Telemetry } from '../telemetry/index.js';
import {
  DEFAULT_STREAMING_CONFIG,
  SpeechWorker,
  loadModels,
  type WorkerConfig,
} from '../worker/index.js';

export interface LocalWorkerHooks {
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly telemetry?: Telemetry;
  readonly clock?: Clock;
}

/** Installs what is missing, loads the models (hashes checked) and builds the worker. */
export async function startLocalWorker(
  config: ServeConfig,
  hooks: LocalWorkerHooks = {},
): Promise<SpeechWorker> {
  const store = openModelStore(config.dataDir);
  await ensureInstalled(store, config, hooks.onPullProgress);
  const [loaded] = await Promise.all([
    loadModels(store, config.models, {
      tailPaddings: config.tailPaddings,
      liveTailPaddings: config.liveTailPaddings,
      inferenceThreads: config.inferenceThreads,
    }),
    // The shared resampler loads once, before the first request needs it.
    preloadResampler(),
  ]);
  return new SpeechWorker(
    {
      models: loaded.models,
      vad: loaded.vad,
      ...(hooks.telemetry ? { telemetry: hooks.telemetry } : {}),
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    },
    workerConfigFor(config),
  );
}

/** The serve settings as the worker takes them; the constants are the embedded defaults. */
export function workerConfigFor(config: ServeConfig): WorkerConfig {
  return {
    id: newId('wrk'),
    decodeConcurrency: config.decodeConcurrency,
    batchSlots: config.batchSlots,
    maxQueuedDecodes: 256,
    maxStreams: config.maxStreams,
    admission: {
      targetUtilisation: config.targetUtilisation,
      // Finals waiting a quarter second for a slot already cost a third of the latency budget.
      maxFinalWaitMs: 250,
      // A first partial is due within 600 ms of speech; ~250 ms of that go to detection and decode.
      maxFirstPartialWaitMs: 300,
      minEvidenceStreamS: 30,
      retryAfterMs: 2000,
    },
    limits: { maxDurationS: config.maxAudioS, maxChannels: config.maxChannels },
    // Files: phrases of up to 25 s joined across pauses of up to 1.5 s (never cut mid-speech).
    fileVad: { threshold: 0.5, minSpeechMs: 250, minSilenceMs: 500, maxSpeechMs: 25_000 },
    chunking: { maxChunkS: 25, maxGapS: 1.5, padS: 0.25 },
    streaming: DEFAULT_STREAMING_CONFIG,
    maxTtsInputChars: 4096,
  };
}

async function ensureInstalled(
  store: ModelStore,
  config: ServeConfig,
  onProgress?: (p: PullProgress) => void,
): Promise<void> {
  for (const ref of config.models) {
    if (store.resolve(ref) !== undefined) continue;
    await store.pull(ref, {
      ...(config.mirrorDir !== undefined ? { mirrorDir: config.mirrorDir } : {}),
      ...(config.registryUrl !== undefined ? { registryUrl: config.registryUrl } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
  }
}
