/**
 * One manifest item through one path to a voxfleet server, timed on the client side.
 *
 * Timings (milliseconds, measured with `now`, performance.now by default):
 * - `latencyMs`: the whole request. REST: from sending the upload to the parsed response.
 *   WebSocket: from the first audio frame to the session's close after the last final (for
 *   'ws-realtime' this includes the audio's own duration, sent at real-time pace).
 * - 'ws-realtime' only, as a live user feels them. Audio at `s` seconds counts as spoken at
 *   `start + s * 1000` (start = when streaming began; each frame is sent once its audio is spoken):
 *   `firstPartialMs` = first `partial` after the first `speech_started`, minus when that speech
 *   started; `finalMs` = the last `final`, minus when its last word (or the final) ended.
 * Decoding and resampling the file for the WebSocket paths happen before the clock starts.
 * - 'engine': the in-process transcriber's call (transcribe-in-process.ts).
 *
 * Every request runs under a deadline (request-deadline.ts), counted from when the file has been
 * read: past it the request is aborted (HTTP abort, WebSocket dropped) and the utterance is
 * recorded with REQUEST_TIMEOUT.
 *
 * A request the server refuses with OVER_CAPACITY is sent again after the server's
 * `retry_after_ms`, for up to REFUSAL_RETRY_BUDGET_MS per item: eval measures quality, and a
 * busy server is not a transcript error (loadtest is the tool that counts refusals).
 */
import { readFile } from 'node:fs/promises';
import { ListenSession, streamPcm16, transcribeBytes } from '../../client/index.js';
import {
  VoxfleetError,
  decodeAudioFile,
  errorFromWire,
  resample,
  sleep,
  systemClock,
  toPcm16,
  toVoxfleetError,
  type Clock,
  type StreamEvent,
} from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import type { EvalPath } from './eval-config.js';
import type { EvalTarget } from './eval-target.js';
import { runWithDeadline, timeoutMsFor } from './request-deadline.js';
import { transcribeInProcess, type Outcome } from './transcribe-in-process.js';

/** The rate audio is sent at over the WebSocket (resampled on the client). */
const STREAM_RATE_HZ = 16000;
/** How long one item may keep being refused before it is recorded as OVER_CAPACITY. */
export const REFUSAL_RETRY_BUDGET_MS = 120_000;
/** Wait before a retry when the refusal carries no hint. */
const DEFAULT_RETRY_AFTER_MS = 1000;

/** Limits for decoding manifest audio on the client: the server's own defaults. */
const CLIENT_AUDIO_LIMITS = { maxDurationS: 7200, maxChannels: 8 };

export interface UtteranceRun {
  readonly id: string;
  readonly audioPath: string;
  readonly tags: readonly string[];
  /** Reference as written in the manifest. */
  readonly ref: string;
  /** Language sent with the request, when one was (may be 'auto'). */
  readonly language: string | undefined;
  /** The manifest item's language, when it gives one. */
  readonly itemLanguage: string | undefined;
  /** Transcript as the server returned it ('' when the request failed). */
  readonly hyp: string;
  readonly durationS: number;
  readonly latencyMs: number;
  readonly firstPartialMs?: number;
  readonly finalMs?: number;
  /** Model and version that served the request, as the server reported them. */
  readonly model?: string;
  readonly modelVersion?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface TranscribeItemOptions {
  readonly target: EvalTarget;
  readonly path: EvalPath;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly frameMs: number;
  /** Every request's deadline in seconds; undefined = scaled to the item's audio. */
  readonly timeoutS: number | undefined;
  /** Milliseconds on a monotonic timeline; performance.now by default. */
  readonly now?: () => number;
  /** Runs the deadline timers; the system clock by default. */
  readonly clock?: Clock;
}

/** Where a server path sends its request. */
interface ServerRequestOptions extends TranscribeItemOptions {
  readonly baseUrl: string;
}

/** Transcribes one item; a failed request comes back with `error` set, it does not throw. */
export async function transcribeItem(
  item: ManifestItem,
  options: TranscribeItemOptions,
): Promise<UtteranceRun> {
  const language = options.language ?? item.language;
  const base = {
    id: item.id,
    audioPath: item.audioPath,
    tags: item.tags,
    ref: item.text,
    language,
    itemLanguage: item.language,
  };
  const clock = options.clock ?? systemClock;
  try {
    const bytes = new Uint8Array(await readFile(item.audioPath));
    let waitedMs = 0;
    for (;;) {
      try {
        const outcome = await runWithDeadline(
          (signal) => transcribeBytesVia(bytes, item, language, options, signal),
          timeoutMsFor(item.durationS, options.timeoutS),
          clock,
        );
        return { ...base, ...outcome };
      } catch (err) {
        const e = toVoxfleetError(err);
        const retryAfterMs = e.details.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
        if (e.code !== 'OVER_CAPACITY' || waitedMs + retryAfterMs > REFUSAL_RETRY_BUDGET_MS)
          throw e;
        await sleep(clock, retryAfterMs);
        waitedMs += retryAfterMs;
      }
    }
  } catch (err) {
    const e = toVoxfleetError(err);
    return {
      ...base,
      hyp: '',
      durationS: item.durationS ?? 0,
      latencyMs: 0,
      error: { code: e.code, message: e.message },
    };
  }
}

/** The path's request; the target must fit the path (eval-config.ts checks it). */
function transcribeBytesVia(
  bytes: Uint8Array,
  item: ManifestItem,
  language: string | undefined,
  options: TranscribeItemOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const { target } = options;
  if (options.path === 'engine') {
    if (target.kind !== 'in-process')
      throw new VoxfleetError('INTERNAL', 'the engine path needs an in-process transcriber');
    return transcribeInProcess(target.transcriber, bytes, item, language, options, signal);
  }
  if (target.kind !== 'server')
    throw new VoxfleetError('INTERNAL', `the ${options.path} path needs a server URL`);
  const server = { ...options, baseUrl: target.baseUrl };
  return options.path === 'rest'
    ? transcribeRest(bytes, item, language, server, signal)
    : transcribeStream(bytes, language, server, signal);
}

async function transcribeRest(
  bytes: Uint8Array,
  item: ManifestItem,
  language: string | undefined,
  options: ServerRequestOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const body = await transcribeBytes(options.baseUrl, bytes, {
    responseFormat: 'verbose_json',
    fileName: item.audioPath,
    signal,
    ...(options.model !== undefined ? { model: options.model } : {}),
    ...(language !== undefined ? { language } : {}),
  });
  const latencyMs = now() - started;
  const parsed = JSON.parse(body) as {
    text?: unknown;
    duration?: unknown;
    model?: unknown;
    model_version?: unknown;
  };
  if (typeof parsed.text !== 'string')
    throw new VoxfleetError('INTERNAL', "the server's verbose_json response has no 'text'");
  return {
    hyp: parsed.text,
    durationS: typeof parsed.duration === 'number' ? parsed.duration : (item.durationS ?? 0),
    latencyMs,
    ...(typeof parsed.model === 'string' ? { model: parsed.model } : {}),
    ...(typeof parsed.model_version === 'string' ? { modelVersion: parsed.model_version } : {}),
  };
}

async function transcribeStream(
  bytes: Uint8Array,
  language: string | undefined,
  options: ServerRequestOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const now = options.now ?? (() => performance.now());
  const audio = await resample(await decodeAudioFile(bytes, CLIENT_AUDIO_LIMITS), STREAM_RATE_HZ);
  const pcm = toPcm16(audio.samples);
  const realtime = options.path === 'ws-realtime';
  const session = await ListenSession.open(
    options.baseUrl,
    {
      sampleRateHz: STREAM_RATE_HZ,
      interimResults: realtime,
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(language !== undefined ? { language } : {}),
    },
    signal,
  );
  const timing = realtime ? trackLatency(session, now) : undefined;
  let failure: VoxfleetError | undefined;
  session.onEvent((e) => {
    if (e.type === 'error') failure ??= errorFromWire(e);
  });
  const started = now();
  timing?.start(started);
  const events = await streamPcm16(session, pcm, {
    sampleRateHz: STREAM_RATE_HZ,
    frameMs: options.frameMs,
    pace: realtime ? 1 : Infinity,
    signal,
  });
  const latencyMs = now() - started;
  if (failure !== undefined) throw failure;
  const hyp = events
    .filter((e): e is Extract<StreamEvent, { type: 'final' }> => e.type === 'final')
    .map((e) => e.text.trim())
    .filter((t) => t !== '')
    .join(' ');
  return {
    hyp,
    durationS: audio.samples.length / STREAM_RATE_HZ,
    latencyMs,
    ...(timing?.firstPartialMs() !== undefined ? { firstPartialMs: timing.firstPartialMs() } : {}),
    ...(timing?.finalMs() !== undefined ? { finalMs: timing.finalMs() } : {}),
    ...(session.ready
      ? { model: session.ready.model, modelVersion: session.ready.model_version }
      : {}),
  };
}

/** Client-side first-partial and final-after-speech latency of a real-time-paced session. */
function trackLatency(
  session: ListenSession,
  now: () => number,
): {
  start: (atMs: number) => void;
  firstPartialMs: () => number | undefined;
  finalMs: () => number | undefined;
} {
  let startMs = 0;
  let speechStartS: number | undefined;
  let firstPartial: number | undefined;
  let lastFinal: number | undefined;
  const spokenAt = (s: number): number => startMs + s * 1000;
  session.onEvent((e) => {
    const at = now();
    if (e.type === 'speech_started' && speechStartS === undefined) speechStartS = e.start_s;
    if (e.type === 'partial' && speechStartS !== undefined && firstPartial === undefined)
      firstPartial = at - spokenAt(speechStartS);
    if (e.type === 'final') lastFinal = at - spokenAt(e.words.at(-1)?.end_s ?? e.end_s);
  });
  return {
    start: (atMs) => {
      startMs = atMs;
    },
    firstPartialMs: () => firstPartial,
    finalMs: () => lastFinal,
  };
}
