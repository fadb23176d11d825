/**
 * Whisper on our own inference threads: the same `FileAsrEngine` contract and semantics as
 * whisper-engine.ts (language and task per call, tail padding per pass, a recognizer LRU,
 * parseLanguageTag), but each of `threads` worker threads owns its recognizers and decodes
 * synchronously, one decode at a time. The libuv pool (fs, dns, zlib) is never used for
 * inference, and concurrency is exactly `slots`.
 *
 * Audio ownership: `decode` takes the samples. A Float32Array that is its whole buffer is moved
 * to the thread without a copy and is detached (length 0) for the caller once sent; a view into a
 * larger buffer is copied once (see transferable-samples.ts). Read anything you need from the
 * array (its length) before calling.
 */
import type { AsrDecodeOptions, AsrDecodeResult, FileAsrEngine } from '../types.js';
import {
  parseLanguageTag,
  tailPaddingsFor,
  type WhisperEngineConfig,
} from '../sherpa/whisper-engine.js';
import { WHISPER_MAX_INPUT_S, WHISPER_SAMPLE_RATE_HZ } from '../sherpa/whisper-recognizers.js';
import { spawnThread, threadEntryUrl } from './spawn-thread.js';
import { ThreadPool, type ThreadPoolStats } from './thread-pool.js';
import { prepareSamplesToPost } from './transferable-samples.js';
import type {
  WhisperThreadData,
  WhisperThreadRequest,
  WhisperThreadResult,
} from './whisper-thread-protocol.js';

export interface WhisperThreadEngineConfig extends WhisperEngineConfig {
  /**
   * Inference threads; each loads its own recognizers (memory grows with threads x
   * recognizers in use) and runs one decode at a time.
   */
  readonly threads: number;
  /**
   * Threads for background decodes (`background: true`), at the lowest CPU priority
   * (BACKGROUND_NICE): they run on whatever CPU the real-time threads leave idle. 0 = none;
   * background decodes then run on the real-time threads.
   */
  readonly backgroundThreads?: number;
}

/** The nice value of background threads: under contention they get ~1.5 % of a core. */
export const BACKGROUND_NICE = 19;

/** A FileAsrEngine whose inference runs on a fixed number of threads it owns. */
export interface ThreadedFileAsrEngine extends FileAsrEngine {
  /** Decodes that run at once (= threads); give the decode scheduler this concurrency. */
  readonly slots: number;
  /** Background decodes that run at once, on their own low-priority threads (0: none). */
  readonly backgroundSlots: number;
  readonly stats: ThreadPoolStats;
  /** The background threads' pool; undefined without background threads. */
  readonly backgroundStats: ThreadPoolStats | undefined;
  /**
   * For tests: ends real-time thread `index`, which must be idle, as a crash would; the pool
   * replaces it (see ThreadPool.terminateThread). A busy thread is refused: it is inside
   * sherpa-onnx, where a terminate can abort the whole process.
   */
  terminateIdleThread(index: number): Promise<void>;
  /** Fails waiting and running decodes with SHUTTING_DOWN and ends every thread. */
  close(): void;
  /** `close()`, resolving once every thread has exited (no handle left behind). */
  closeAndWait(): Promise<void>;
}

/** Starts the threads and loads the default recognizer in each; rejects if one cannot load. */
export async function createWhisperThreadEngine(
  config: WhisperThreadEngineConfig,
): Promise<ThreadedFileAsrEngine> {
  const workerData: WhisperThreadData = {
    encoderPath: config.encoderPath,
    decoderPath: config.decoderPath,
    tokensPath: config.tokensPath,
    numThreads: config.numThreads,
    maxRecognizers: config.maxRecognizers,
    runtime: config.runtime ?? 'sherpa-onnx',
    warm: {
      language: config.multilingual ? '' : 'en',
      task: 'transcribe',
      tailPaddings: config.tailPaddingsFinal,
    },
  };
  const entry = threadEntryUrl('whisper-thread', import.meta.url);
  const pool = await ThreadPool.start<WhisperThreadRequest, WhisperThreadResult>({
    size: config.threads,
    spawn: () => spawnThread(entry, workerData),
    label: 'whisper inference thread',
  });
  const backgroundThreads = config.backgroundThreads ?? 0;
  const background =
    backgroundThreads > 0
      ? await ThreadPool.start<WhisperThreadRequest, WhisperThreadResult>({
          size: backgroundThreads,
          spawn: () => spawnThread(entry, { ...workerData, nice: BACKGROUND_NICE }),
          label: 'whisper background thread',
        }).catch(async (err: unknown) => {
          await pool.close();
          throw err;
        })
      : undefined;
  return new WhisperThreadEngine(config, pool, background);
}

class WhisperThreadEngine implements ThreadedFileAsrEngine {
  readonly sampleRateHz = WHISPER_SAMPLE_RATE_HZ;
  readonly maxInputS = WHISPER_MAX_INPUT_S;

  constructor(
    private readonly config: WhisperEngineConfig,
    private readonly pool: ThreadPool<WhisperThreadRequest, WhisperThreadResult>,
    private readonly background: ThreadPool<WhisperThreadRequest, WhisperThreadResult> | undefined,
  ) {}

  get slots(): number {
    return this.pool.size;
  }

  get backgroundSlots(): number {
    return this.background?.size ?? 0;
  }

  get stats(): ThreadPoolStats {
    return this.pool.stats;
  }

  get backgroundStats(): ThreadPoolStats | undefined {
    return this.background?.stats;
  }

  async decode(samples: Float32Array, options: AsrDecodeOptions): Promise<AsrDecodeResult> {
    const language = this.config.multilingual ? (options.language ?? '') : 'en';
    const tailPaddings = tailPaddingsFor(this.config, options.pass);
    const posted = prepareSamplesToPost(samples);
    const pool = options.background === true ? (this.background ?? this.pool) : this.pool;
    const result = await pool.run(
      {
        samples: posted.samples,
        language,
        task: options.task,
        tailPaddings,
        ...(options.draft === undefined ? {} : { draft: options.draft.tokens }),
      },
      posted.transfer,
    );
    return {
      text: result.text.trim(),
      language: parseLanguageTag(result.lang) || language,
      tokens: result.tokens,
      ...(result.draft === undefined ? {} : { draft: { tokens: result.draft } }),
    };
  }

  terminateIdleThread(index: number): Promise<void> {
    const state = this.pool.stateOf(index);
    if (state !== 'idle') {
      return Promise.reject(
        new Error(`whisper inference thread ${index} is ${state ?? 'not in the pool'}, not idle`),
      );
    }
    return this.pool.terminateThread(index);
  }

  close(): void {
    void this.closeAndWait();
  }

  async closeAndWait(): Promise<void> {
    await Promise.all([this.pool.close(), this.background?.close()]);
  }
}
