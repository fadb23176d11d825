/**
 * `voxfleet serve` options: user input in (every field optional), a frozen config out with
 * every default filled. The defaults live in this one table; each says its unit and why.
 */
import { availableParallelism } from 'node:os';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument } from './errors.js';

export interface ServeOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  mirrorDir?: string;
  registryUrl?: string;
  /** Models to load; the default set when omitted. */
  models?: readonly string[];
  decodeConcurrency?: number;
  maxStreams?: number;
  /** Share of the decode slots file (batch) work may hold at once, 0..1. */
  batchShare?: number;
  /** Fraction of the real-time slots admitted streams may fill, 0..1. */
  targetUtilisation?: number;
  /**
   * Silence after a phrase before a stream's speculative final starts, ms (0: as the phrase
   * closes). Longer wastes fewer decodes in mid-sentence pauses and leaves the decode less time
   * before the endpoint.
   */
  speculateAfterMs?: number;
  uploadLimitMb?: number;
  maxAudioS?: number;
  maxChannels?: number;
  idleTimeoutS?: number;
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Tail padding (10 ms frames) for file decodes, by model name, over the version's manifest
   * (`decode.tailPaddings.file`); -1 = engine default. For experiments: a worker told this no
   * longer serves what the manifest says.
   */
  tailPaddings?: Readonly<Record<string, number>>;
  /** The same for streaming finals, over `decode.tailPaddings.streamFinal`. */
  liveTailPaddings?: Readonly<Record<string, number>>;
  /** Whisper inference threads (0 = sherpa-onnx's async calls on the libuv pool). */
  inferenceThreads?: number;
  /**
   * Low-priority Whisper threads per model for shadow decodes, beside the inference threads
   * (0 = shadow decodes share the batch slots; needs inference threads).
   */
  backgroundThreads?: number;
  /** Serve the web console at `/` (false: `--no-console`). */
  console?: boolean;
  /**
   * Follow rollouts (`voxfleet release --server`): true keeps them in `releases.json` in the data
   * folder, a string in that file.
   */
  releases?: boolean | string;
  /** The region this server is, for rollout steps that select regions. */
  region?: string;
}

export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly mirrorDir: string | undefined;
  readonly registryUrl: string | undefined;
  readonly models: readonly string[];
  readonly decodeConcurrency: number;
  readonly maxStreams: number;
  /** Slots file work may hold at once (>= 1). */
  readonly batchSlots: number;
  readonly targetUtilisation: number;
  readonly speculateAfterMs: number;
  readonly uploadLimitBytes: number;
  readonly maxAudioS: number;
  readonly maxChannels: number;
  readonly idleTimeoutMs: number;
  readonly logLevel: NonNullable<ServeOptions['logLevel']>;
  readonly tailPaddings: Readonly<Record<string, number>>;
  readonly liveTailPaddings: Readonly<Record<string, number>>;
  readonly inferenceThreads: number;
  /** 0 whenever inferenceThreads is 0 (the libuv pool has no low-priority threads). */
  readonly backgroundThreads: number;
  readonly console: boolean;
  /** Where rollouts are kept; undefined when the server follows none. */
  readonly releasesFile: string | undefined;
  readonly region: string;
}

export const SERVE_DEFAULTS = Object.freeze({
  /** Loopback only: exposing the server is a deliberate act. */
  host: '127.0.0.1',
  port: 8080,
  /** English ASR (default), multilingual ASR, the TTS voice and the VAD every ASR path needs. */
  models: Object.freeze([
    'whisper-tiny.en',
    'whisper-base',
    'piper-en-us-joe-medium',
    'silero-vad',
  ]),
  /** Decodes at once: one single-threaded decode per core was measured fastest (MODELS.md). */
  decodeConcurrency: Math.max(1, availableParallelism()),
  /**
   * Hard cap on streams per worker, for memory (each holds ~1 MB of audio history and a VAD).
   * Admission refuses by measured headroom well before it on this hardware.
   */
  maxStreams: 64,
  /**
   * Batch work may hold half the slots (at least one): live streams always keep the rest, so a
   * final waits at most for one batch decode to finish, never for a queue of them.
   */
  batchShare: 0.5,
  /**
   * Admit streams until their finals and first partials would fill this much of the slots. On
   * 2 cores the SLO held at 10 streams and broke at 12 with the slots only ~40 % busy with that
   * work (the low-priority refresh partials take the rest of the CPU and every decode slows
   * down); 0.5 lets the estimate reach about that knee, and the first-partial latency guard
   * refuses before it (docs/scheduling.md).
   */
  targetUtilisation: 0.5,
  /**
   * As the phrase closes (200 ms of silence): every final that waits for the endpoint keeps the
   * most time for its decode. 300 ms wasted a third to a half fewer speculative decodes and took
   * 6-22 % off the work streams cannot do without, but put the endpoint finals' p95 51-88 ms
   * later, over the SLO from 4 streams (docs/scheduling.md): for deployments that need streams
   * more than final latency.
   */
  speculateAfterMs: 0,
  /** MB per upload: 25 MB is OpenAI's limit, 100 MB leaves room for long WAV files. */
  uploadLimitMb: 100,
  /** Seconds of audio per file request (2 hours). */
  maxAudioS: 7200,
  /** Channels mixed down to mono; more is almost certainly not speech. */
  maxChannels: 8,
  /** Seconds with no audio and no keepalive before a stream is closed. */
  idleTimeoutS: 30,
  logLevel: 'info' as const,
  /**
   * None: each version's manifest says (`decode.tailPaddings`). The catalog's tiny.en pads file
   * decodes to 3000 frames, which fills Whisper's 30 s window and lowered dev WER 9.4 % -> 6.3 %
   * (numbers normalised, MODELS.md); base gains nothing, so -1. Streaming finals use the engine
   * default (-1) for both: on tiny.en it halves the decode of a final against 3000, which keeps
   * finals inside the latency budget under load, for ~0.8 points of WER (docs/benchmarks.md).
   */
  tailPaddings: Object.freeze({} as Record<string, number>),
  liveTailPaddings: Object.freeze({} as Record<string, number>),
  /**
   * One inference thread per decode slot: Whisper off the libuv pool, which then stays free for
   * fs, dns and zlib (with decodes on it, a small file read waited up to 1.2 s; docs/benchmarks.md).
   */
  inferenceThreads: Math.max(1, availableParallelism()),
  /**
   * One low-priority thread per model for shadow decodes: a shadow takes only CPU the real-time
   * decodes leave idle and never holds one of their slots (bench:release, docs/releases.md).
   */
  backgroundThreads: 1,
  /** The web console at `/`: on, since the server listens on loopback unless told otherwise. */
  console: true,
  /** The embedded server is one region; plans name it to select its callers. */
  region: 'local',
});

export function defaultDataDir(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return (
    env.VOXFLEET_DATA_DIR ??
    join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'voxfleet')
  );
}

export function compileServeConfig(
  options: ServeOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServeConfig {
  const d = SERVE_DEFAULTS;
  const port = options.port ?? numberFrom(env.VOXFLEET_PORT, 'VOXFLEET_PORT') ?? d.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw invalidArgument('port', 'must be an integer from 0 to 65535', port);
  const positive = (field: string, v: number): number => {
    if (!(Number.isFinite(v) && v > 0))
      throw invalidArgument(field, 'must be a positive number', v);
    return v;
  };
  return Object.freeze({
    host: options.host ?? env.VOXFLEET_HOST ?? d.host,
    port,
    dataDir: options.dataDir ?? defaultDataDir(env),
    mirrorDir: options.mirrorDir ?? env.VOXFLEET_MODEL_MIRROR,
    registryUrl: options.registryUrl ?? env.VOXFLEET_REGISTRY_URL,
    models: Object.freeze([...(options.models ?? d.models)]),
    decodeConcurrency: Math.floor(
      positive('decode_concurrency', options.decodeConcurrency ?? d.decodeConcurrency),
    ),
    maxStreams: Math.floor(positive('max_streams', options.maxStreams ?? d.maxStreams)),
    batchSlots: batchSlotsFor(
      fraction('batch_share', options.batchShare ?? d.batchShare),
      options.decodeConcurrency ?? d.decodeConcurrency,
    ),
    targetUtilisation: fraction(
      'target_utilisation',
      options.targetUtilisation ?? d.targetUtilisation,
    ),
    // Past the client's endpointing, no speculation starts: every final is decoded at the end.
    speculateAfterMs: nonNegativeInt(
      'speculate_after_ms',
      options.speculateAfterMs ?? d.speculateAfterMs,
      10_000,
    ),
    uploadLimitBytes: Math.floor(
      positive('upload_limit_mb', options.uploadLimitMb ?? d.uploadLimitMb) * 1024 * 1024,
    ),
    maxAudioS: positive('max_audio_s', options.maxAudioS ?? d.maxAudioS),
    maxChannels: Math.floor(positive('max_channels', options.maxChannels ?? d.maxChannels)),
    idleTimeoutMs: Math.round(
      positive('idle_timeout_s', options.idleTimeoutS ?? d.idleTimeoutS) * 1000,
    ),
    logLevel:
      options.logLevel ??
      (env.VOXFLEET_LOG_LEVEL as ServeConfig['logLevel'] | undefined) ??
      d.logLevel,
    tailPaddings: Object.freeze({ ...d.tailPaddings, ...options.tailPaddings }),
    liveTailPaddings: Object.freeze({ ...d.liveTailPaddings, ...options.liveTailPaddings }),
    inferenceThreads: nonNegativeInt(
      'inference_threads',
      options.inferenceThreads ?? d.inferenceThreads,
    ),
    backgroundThreads:
      (options.inferenceThreads ?? d.inferenceThreads) === 0
        ? 0
        : nonNegativeInt('background_threads', options.backgroundThreads ?? d.backgroundThreads),
    console: options.console ?? d.console,
    releasesFile: releasesFileOf(options.releases, options.dataDir ?? defaultDataDir(env)),
    region: regionName(options.region ?? env.VOXFLEET_REGION ?? d.region),
  });
}

function releasesFileOf(
  releases: boolean | string | undefined,
  dataDir: string,
): string | undefined {
  if (releases === undefined || releases === false) return undefined;
  return releases === true ? join(dataDir, 'releases.json') : releases;
}

function regionName(region: string): string {
  // The fleet file's rule for names (src/routing/fleet-config.ts).
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(region))
    throw invalidArgument('region', 'must be 1-64 letters, digits, _ or -', region);
  return region;
}

function nonNegativeInt(field: string, v: number, max = 256): number {
  if (!(Number.isInteger(v) && v >= 0 && v <= max))
    throw invalidArgument(field, `must be an integer from 0 to ${max}`, v);
  return v;
}

function fraction(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0 && v <= 1))
    throw invalidArgument(field, 'must be a number above 0 and at most 1', v);
  return v;
}

/** At least one slot, so files always make progress; at most all of them. */
function batchSlotsFor(share: number, slots: number): number {
  const n = Math.max(1, Math.floor(slots));
  return Math.min(n, Math.max(1, Math.floor(n * share)));
}

function numberFrom(value: string | undefined, field: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw invalidArgument(field, 'must be a number', value);
  return n;
}
