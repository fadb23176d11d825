/**
 * A worker: the loaded models, the decode scheduler they share, and the sessions and requests
 * running on them. It implements the fabric's WorkerEndpoint, so the in-process fabric (and a
 * NATS fabric) can carry gateway calls to it.
 *
 * Lifecycle: 'ready' -> close() -> 'draining' (no new work; open sessions finish) -> 'stopped'.
 * destroy() aborts everything at once.
 */
import {
  VoxfleetError,
  newId,
  systemClock,
  type AudioLimits,
  type Clock,
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
  type StreamEvent,
  type StreamOpenRequest,
  type SynthesisRequest,
} from '../core/index.js';
import type { VadEngine } from '../engines/index.js';
import type {
  StreamChannel,
  SynthesisStream,
  TranscribeCallOptions,
  WorkerEndpoint,
  WorkerState,
  WorkerStatus,
} from '../fabric/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { judgeAdmission, overCapacity, type AdmissionOptions } from './scheduling/admission.js';
import { measureStreamCost } from './scheduling/calibrate.js';
import { DecodeScheduler } from './scheduling/decode-scheduler.js';
import { transcribeFile } from './file-transcriber.js';
import type { ModelSet } from './model-set.js';
import { startSynthesis } from './speech-synthesizer.js';
import { StreamingSession, streamVadOptions } from './streaming/streaming-session.js';

export interface WorkerConfig {
  readonly id: string;
  /** Decodes run at once (one per core measured best: MODELS.md). */
  readonly decodeConcurrency: number;
  /** Most decode slots file (batch) work may hold at once; live streams keep the rest. */
  readonly batchSlots: number;
  /**
   * Slots for shadow (background) decodes beside `decodeConcurrency`, backed by the engines'
   * low-priority threads; 0: shadow decodes are batch work.
   */
  readonly backgroundSlots?: number;
  /** Speech or file decodes waiting at most, each; beyond that OVER_CAPACITY. */
  readonly maxQueuedDecodes: number;
  /** Hard cap on streams (memory); admission usually refuses well before it. */
  readonly maxStreams: number;
  readonly admission: Omit<AdmissionOptions, 'maxStreams' | 'priorCostMsPerS'>;
  /** Over every model's streaming policy: silence before a speculative final (StreamingConfig). */
  readonly speculateAfterMs?: number;
  readonly limits: AudioLimits;
  readonly maxTtsInputChars: number;
}

export interface SpeechWorkerDeps {
  readonly models: ModelSet;
  readonly vad: VadEngine;
  readonly telemetry?: Telemetry;
  readonly clock?: Clock;
}

/**
 * Slot-ms of finals and first partials per second of stream audio before anything is measured:
 * whisper-tiny.en on one 2-core Xeon core, an utterance every 6 s (bench/results/streams.json).
 */
const DEFAULT_PRIOR_COST_MS_PER_S = 80;
/** VAD detectors made before traffic at most (~75 ms and ~10 MB each; see silero-vad-engine). */
const MAX_PREWARMED_DETECTORS = 16;

export class SpeechWorker implements WorkerEndpoint {
  private state: WorkerState = 'ready';
  private readonly scheduler: DecodeScheduler;
  private readonly sessions = new Set<StreamingSession>();
  private readonly clock: Clock;
  private drained: Promise<void> | undefined;
  /** Slot-ms of required work per second of stream audio until measured live (calibrate()). */
  private priorCostMsPerS = DEFAULT_PRIOR_COST_MS_PER_S;
  /** What new sessions and requests resolve against; grows when a rollout syncs a version. */
  private models: ModelSet;

  constructor(
    private readonly deps: SpeechWorkerDeps,
    readonly config: WorkerConfig,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.models = deps.models;
    this.scheduler = new DecodeScheduler({
      slots: config.decodeConcurrency,
      batchSlots: config.batchSlots,
      ...(config.backgroundSlots !== undefined ? { backgroundSlots: config.backgroundSlots } : {}),
      maxQueued: config.maxQueuedDecodes,
      clock: this.clock,
      onDecode: (cls, waitMs, runMs) => deps.telemetry?.decodeDone(cls, waitMs, runMs),
    });
    deps.telemetry?.trackCapacity(() => this.admission().capacity);
  }

  /**
   * Measures what one stream costs on this machine with the default streaming model, as the
   * admission prior until live traffic has been measured. Runs before the worker takes traffic.
   */
  async calibrate(): Promise<void> {
    const model = this.models.asr[0];
    if (model === undefined) return;
    this.priorCostMsPerS = await measureStreamCost(model.engine);
    // Streams that ask for an endpointing of at least the phrase gap (nearly all) share these
    // VAD settings: their detectors are ready before traffic, as many as the worker expects to
    // carry, and a session open does not build one on the event loop.
    const streaming = model.settings.streaming;
    this.deps.vad.prewarm(
      streamVadOptions(streaming, streaming.phraseGapMs),
      Math.min(this.admission().capacity, MAX_PREWARMED_DETECTORS),
    );
    // File requests run the VAD with the model's file settings, as many at once as batch slots.
    this.deps.vad.prewarm(model.settings.file.vad, this.config.batchSlots);
  }

  status(): WorkerStatus {
    const s = this.scheduler.stats;
    return {
      id: this.config.id,
      state: this.state,
      models: this.models.descriptors(),
      activeStreams: this.realTimeSessions(),
      maxStreams: this.config.maxStreams,
      streamCapacity: this.admission().capacity,
      decodesRunning: s.running + s.runningBackground,
      decodesQueued: s.queued,
      memoryBytes: process.memoryUsage.rss(),
    };
  }

  private realTimeSessions(): number {
    let n = 0;
    for (const s of this.sessions) if (!s.background) n++;
    return n;
  }

  /** Would one more stream fit? Measured headroom (see scheduling/admission.ts). */
  private admission() {
    return judgeAdmission(
      {
        ...this.config.admission,
        maxStreams: this.config.maxStreams,
        priorCostMsPerS: this.priorCostMsPerS,
      },
      {
        // Background (shadow) sessions are batch work: their decodes count as file work does,
        // through the slots batch work holds, not as streams.
        activeStreams: this.realTimeSessions(),
        window: this.scheduler.ledger.window(),
        slots: this.scheduler.slots,
        runningBatch: this.scheduler.stats.runningBatch,
        refreshOffSlots: this.scheduler.backgroundSlots > 0,
      },
    );
  }

  async transcribe(
    request: FileTranscriptionRequest,
    options: TranscribeCallOptions = {},
  ): Promise<FileTranscriptionResult> {
    this.assertAccepting();
    const started = this.clock.now();
    const result = await transcribeFile(
      {
        models: this.models,
        vad: this.deps.vad,
        scheduler: this.scheduler,
        config: { limits: this.config.limits },
      },
      request,
      options,
    );
    this.deps.telemetry?.fileTranscribed(
      result.model,
      this.clock.now() - started,
      result.durationS,
    );
    return result;
  }

  async openStream(
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
  ): Promise<StreamChannel> {
    this.assertAccepting();
    const verdict = this.admission();
    if (!verdict.admit) {
      this.deps.telemetry?.streamRefused(verdict.reason ?? 'headroom');
      throw overCapacity(verdict, this.config.admission.retryAfterMs);
    }
    const model = this.models.resolveAsr(request.model, request.language, 'transcribe');
    const name = model.descriptor.name;
    const telemetry = this.deps.telemetry;
    const session = await StreamingSession.open(
      {
        model,
        vad: this.deps.vad,
        scheduler: this.scheduler,
        clock: this.clock,
        config:
          this.config.speculateAfterMs === undefined
            ? model.settings.streaming
            : { ...model.settings.streaming, speculateAfterMs: this.config.speculateAfterMs },
        observer: {
          firstPartial: (ms) => {
            telemetry?.streamFirstPartialSent(name, ms);
            if (request.background !== true) this.scheduler.ledger.recordFirstPartialLatency(ms);
          },
          final: (ms, audioS, decodeMs) => telemetry?.streamFinalSent(name, ms, audioS, decodeMs),
          speculation: (outcome) => telemetry?.streamSpeculation(name, outcome),
        },
      },
      { ...request, sessionId: request.sessionId || newId('sess') },
      onEvent,
    );
    this.sessions.add(session);
    telemetry?.streamOpened(name);
    void session.done.then(() => {
      this.sessions.delete(session);
      telemetry?.streamClosed(name, session.audioSeconds);
    });
    return {
      pushAudio: (frame) => session.pushAudio(frame),
      control: (message) => session.control(message),
      abort: () => session.abort(),
      done: session.done,
    };
  }

  async synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisStream> {
    this.assertAccepting();
    return startSynthesis(
      {
        models: this.models,
        scheduler: this.scheduler,
        config: { maxInputChars: this.config.maxTtsInputChars },
        onDone: (model, audioS, computeMs) =>
          this.deps.telemetry?.ttsDone(model, audioS, computeMs),
      },
      request,
      signal,
    );
  }

  /**
   * Serves `more` beside what is loaded, from the next session or request on (announced with
   * the next heartbeat). A version already loaded keeps its engine; the copy is closed.
   */
  addModels(more: ModelSet): void {
    if (this.state === 'stopped') {
      for (const m of [...more.asr, ...more.tts]) m.engine.close();
      return;
    }
    const next = this.models.with(more);
    for (const m of [...more.asr, ...more.tts])
      if (!next.asr.some((a) => a === m) && !next.tts.some((t) => t === m)) m.engine.close();
    this.models = next;
  }

  /** Whether `name@version` is served here. */
  serves(ref: string): boolean {
    return this.models.has(ref);
  }

  /** Stops taking work and waits for open sessions to finish. */
  close(): Promise<void> {
    if (this.drained !== undefined) return this.drained;
    this.state = 'draining';
    this.drained = Promise.all([...this.sessions].map((s) => s.close())).then(() => {
      this.state = 'stopped';
      this.release();
    });
    return this.drained;
  }

  /** Aborts every session now and frees the models. */
  destroy(): void {
    for (const s of this.sessions) s.abort();
    this.sessions.clear();
    this.state = 'stopped';
    this.release();
  }

  private release(): void {
    for (const m of this.models.asr) m.engine.close();
    for (const m of this.models.tts) m.engine.close();
    this.deps.vad.close();
  }

  private assertAccepting(): void {
    if (this.state !== 'ready') {
      throw new VoxfleetError('SHUTTING_DOWN', 'this worker is shutting down', {
        retryAfterMs: 1000,
      });
    }
  }
}
