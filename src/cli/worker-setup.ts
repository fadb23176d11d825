/**
 * Builds a SpeechWorker from the serve config: installs missing models (mirror first), loads
 * them, and measures what a stream costs on this machine. `voxfleet serve` puts it behind the
 * in-process fabric; `voxfleet worker` serves it over NATS. One place, so both run the same worker.
 */
import {
  newId,
  preloadResampler,
  type Clock,
  type ModelDescriptor,
  type ServeConfig,
} from '../core/index.js';
import type { FileAsrEngine } from '../engines/index.js';
import { openModelStore, type ModelStore, type PullProgress } from '../registry/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { ModelSet, SpeechWorker, loadAdditionalModels, loadModels } from '../worker/index.js';

export interface WorkerSetupHooks {
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly clock?: Clock;
  /** The worker's id on the fabric; a fresh one when absent. */
  readonly workerId?: string;
  /**
   * Wraps each loaded ASR engine. For test builds only (an artificially slow version, to show
   * a latency gate failing); a shipped worker serves its engines as loaded.
   */
  readonly decorateAsrEngine?: (model: ModelDescriptor, engine: FileAsrEngine) => FileAsrEngine;
}

/** What starts a worker from the serve config: startSpeechWorker, or a test build's variant. */
export type StartSpeechWorker = typeof startSpeechWorker;

export async function startSpeechWorker(
  config: ServeConfig,
  telemetry: Telemetry,
  hooks: WorkerSetupHooks = {},
): Promise<SpeechWorker> {
  const store = openModelStore(config.dataDir);
  await ensureInstalled(store, config, hooks.onPullProgress);
  const [loaded] = await Promise.all([
    loadModels(store, config.models, {
      tailPaddings: config.tailPaddings,
      liveTailPaddings: config.liveTailPaddings,
      inferenceThreads: config.inferenceThreads,
      backgroundThreads: config.backgroundThreads,
    }),
    // The shared resampler loads once, before the first request needs it.
    preloadResampler(),
  ]);
  const decorate = hooks.decorateAsrEngine;
  const models =
    decorate === undefined
      ? loaded.models
      : new ModelSet(
          loaded.models.asr.map((m) => ({ ...m, engine: decorate(m.descriptor, m.engine) })),
          loaded.models.tts,
        );
  const worker = new SpeechWorker(
    {
      models,
      vad: loaded.vad,
      telemetry,
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    },
    {
      id: hooks.workerId ?? newId('wrk'),
      decodeConcurrency: config.decodeConcurrency,
      batchSlots: config.batchSlots,
      backgroundSlots: config.backgroundThreads,
      maxQueuedDecodes: 256,
      maxStreams: config.maxStreams,
      speculateAfterMs: config.speculateAfterMs,
      admission: {
        targetUtilisation: config.targetUtilisation,
        // Finals waiting a quarter second for a slot already cost a third of the latency budget.
        maxFinalWaitMs: 250,
        // The whole first-partial budget. At 300 ms the guard refused the 4th stream while the
        // first-partial p95 was 564 ms, inside the 600 ms SLO (bench:streams, 2 cores).
        maxFirstPartialWaitMs: 600,
        // Speech detected -> first partial sent, as the sessions measured it; p90 over 10 s
        // windows, 2 cores: ~50 ms at one stream (one decode); 64-337 ms at ten streams (waits,
        // decodes slowed by the busy machine, empty first decodes retried 200 ms later), up to
        // 590 ms at twelve, the load where bench:streams saw the first-partial SLO break. At
        // 300 the guard refused streams at six, far from the SLO (docs/scheduling.md).
        maxFirstPartialLatencyMs: 450,
        minEvidenceStreamS: 30,
        retryAfterMs: 2000,
      },
      limits: { maxDurationS: config.maxAudioS, maxChannels: config.maxChannels },
      maxTtsInputChars: 4096,
    },
  );
  await worker.calibrate();
  return worker;
}

/**
 * Installs `refs` if missing (mirror or registry, as configured; every file's sha256 checked),
 * loads them with the worker's tuning (loading checks every hash again) and serves them beside
 * what the worker serves. What a rollout's sync does (release-sync.ts).
 */
export async function loadIntoWorker(
  worker: SpeechWorker,
  config: ServeConfig,
  refs: readonly string[],
): Promise<void> {
  const store = openModelStore(config.dataDir);
  await ensureInstalled(store, { ...config, models: refs });
  worker.addModels(
    await loadAdditionalModels(store, refs, {
      tailPaddings: config.tailPaddings,
      liveTailPaddings: config.liveTailPaddings,
      inferenceThreads: config.inferenceThreads,
      backgroundThreads: config.backgroundThreads,
    }),
  );
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
