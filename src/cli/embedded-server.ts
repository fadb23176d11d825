/**
 * The embedded default: gateway + in-process fabric + one worker in this process. The same
 * gateway and worker code runs split across processes when the fabric is NATS.
 */
import type { FastifyInstance } from 'fastify';
import { newId, preloadResampler, type Clock, type ServeConfig } from '../core/index.js';
import { InProcessFabric } from '../fabric/index.js';
import { buildGateway } from '../gateway/index.js';
import { openModelStore, type ModelStore, type PullProgress } from '../registry/index.js';
import { Telemetry } from '../telemetry/index.js';
import { DEFAULT_STREAMING_CONFIG, SpeechWorker, loadModels } from '../worker/index.js';
import { findConsoleDir } from './console-dir.js';

export interface EmbeddedServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly worker: SpeechWorker;
  readonly telemetry: Telemetry;
  readonly startupMs: number;
  /** Drains: stops accepting, lets open streams finish, then stops. */
  close(): Promise<void>;
}

export interface EmbeddedServerHooks {
  readonly onPullProgress?: (progress: PullProgress) => void;
  readonly logStream?: NodeJS.WritableStream;
  readonly clock?: Clock;
}

export async function startEmbeddedServer(
  config: ServeConfig,
  hooks: EmbeddedServerHooks = {},
): Promise<EmbeddedServer> {
  const started = performance.now();
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
  const telemetry = new Telemetry();
  const worker = new SpeechWorker(
    {
      models: loaded.models,
      vad: loaded.vad,
      telemetry,
      ...(hooks.clock ? { clock: hooks.clock } : {}),
    },
    {
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
    },
  );
  await worker.calibrate();
  const fabric = new InProcessFabric();
  fabric.register(worker);
  const consoleDir = config.console ? findConsoleDir() : undefined;
  const app = await buildGateway(
    { fabric, telemetry, ...(hooks.clock ? { clock: hooks.clock } : {}) },
    {
      uploadLimitBytes: config.uploadLimitBytes,
      jsonLimitBytes: 1024 * 1024,
      maxFrameBytes: 1024 * 1024,
      idleTimeoutMs: config.idleTimeoutMs,
      logger: { level: config.logLevel, ...(hooks.logStream ? { stream: hooks.logStream } : {}) },
      consoleDir,
    },
  );
  const address = await app.listen({ host: config.host, port: config.port });
  const startupMs = performance.now() - started;
  if (config.console && consoleDir === undefined)
    app.log.warn('the web console is not built (npm run build): / serves nothing');
  app.log.info({ startupMs: Math.round(startupMs), models: config.models }, 'voxfleet ready');
  return {
    app,
    url: address,
    worker,
    telemetry,
    startupMs,
    async close() {
      await worker.close();
      await app.close();
      await fabric.close();
    },
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
