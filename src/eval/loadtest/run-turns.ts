/**
 * One turn of one virtual client against a server, timed on the client side.
 * A failed turn comes back as a record with `error` set; a turn never throws.
 *
 * - stream: opens a session through the context's protocol (voxfleet's `/v1/listen` with
 *   partials on, or a peer's; protocols/), sends the item's PCM at real-time pace in `frameMs`
 *   frames, signals the end of the audio, and waits for the session to end. Latencies as in
 *   `voxfleet eval --path ws-realtime`: audio at `s` seconds counts as spoken at
 *   `start + s * 1000`, and each frame is sent once its audio has been spoken; speech times come from the server, or for peers from the client's own
 *   measure of the audio. Any error before the session is ready is a refusal (`atOpen`).
 * - tts: `POST /v1/audio/speech`; first byte and total time of the response body.
 * - rest: `POST /v1/audio/transcriptions` (verbose_json); latency and RTF.
 * For tts and rest, capacity errors (REFUSAL_CODES) count as refusals.
 */
import { synthesizeSpeech, transcribeBytes } from '../../client/index.js';
import { VoxfleetError, toVoxfleetError } from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import { measureViewChurn } from './churn.js';
import type { StreamProtocol, StreamSession } from './protocols/index.js';
import type { LoadClock } from './schedule.js';
import type { SpeechSpan } from './speech-span.js';
import type { TurnRecord } from './loadtest-types.js';

/** Audio is sent over the WebSocket as 16 kHz mono 16-bit PCM. */
export const STREAM_RATE_HZ = 16000;
/** Errors of an HTTP request that mean "turned away", not "failed while working". */
export const REFUSAL_CODES: readonly string[] = [
  'OVER_CAPACITY',
  'NOT_READY',
  'SHUTTING_DOWN',
  'RESIDENCY_UNAVAILABLE',
];

/** A manifest item with its audio read (and, for streams, decoded) before the run. */
export interface PreparedItem {
  readonly item: ManifestItem;
  readonly bytes: Uint8Array;
  /** 16 kHz mono pcm_s16le (stream mode only). */
  readonly pcm?: Uint8Array;
  readonly audioS: number;
  /** Stream mode: where speech is in the PCM, measured by the client (speech-span.ts). */
  readonly speech?: SpeechSpan;
}

export interface TurnContext {
  readonly baseUrl: string;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly frameMs: number;
  /** Stream mode: the wire protocol spoken. */
  readonly protocol: StreamProtocol;
  /** 'client': speech times from the audio sent even when the protocol reports its own. */
  readonly speechTimes?: 'server' | 'client';
  /** The run's clock; record times are `clock.now() - t0Ms`. */
  readonly clock: LoadClock;
  readonly t0Ms: number;
  readonly signal: AbortSignal;
  /** Told when a stream session opens (+1) and ends (-1), for the progress line. */
  readonly onOpenChange?: (delta: number) => void;
}

type Base = Pick<TurnRecord, 'slot' | 'itemId' | 'startMs'>;

function failed(base: Base, ctx: TurnContext, err: unknown, atOpen: boolean): TurnRecord {
  const code = toVoxfleetError(err).code;
  const endMs = ctx.clock.now() - ctx.t0Ms;
  return { ...base, endMs, audioS: 0, totalMs: endMs - base.startMs, error: { code, atOpen } };
}

/** `work`, or CANCELLED as soon as `signal` aborts; the abort listener is removed after. */
async function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new VoxfleetError('CANCELLED', 'the run ended'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export async function runStreamTurn(
  prepared: PreparedItem,
  slot: number,
  ctx: TurnContext,
): Promise<TurnRecord> {
  const { clock, t0Ms, protocol } = ctx;
  const base: Base = { slot, itemId: prepared.item.id, startMs: clock.now() - t0Ms };
  const language = ctx.language ?? prepared.item.language;
  let session: StreamSession;
  try {
    session = await raceAbort(
      protocol.open({
        baseUrl: ctx.baseUrl,
        sampleRateHz: STREAM_RATE_HZ,
        model: ctx.model,
        language,
        clock,
        signal: ctx.signal,
      }),
      ctx.signal,
    );
  } catch (err) {
    return failed(base, ctx, err, true);
  }
  ctx.onOpenChange?.(1);
  const stop = (): void => session.terminate();
  ctx.signal.addEventListener('abort', stop, { once: true });
  // Protocols that report no speech times: the client's own measure of the audio stands in.
  const clientSpeech =
    protocol.speechTimes === 'client' || ctx.speechTimes === 'client' ? prepared.speech : undefined;
  let failure: VoxfleetError | undefined;
  let sentAt = 0;
  let speechStartS = clientSpeech?.startS;
  let firstPartialMs: number | undefined;
  let lastFinal: { at: number; endS: number } | undefined;
  const finals: string[] = [];
  let partial = '';
  let partials = 0;
  const views: { final: string; partial: string }[] = [];
  const spokenAt = (s: number): number => sentAt + s * 1000;
  session.onUpdates((updates) => {
    const at = clock.now();
    let shown = false;
    for (const u of updates) {
      if (u.type === 'error') failure ??= u.error;
      else if (u.type === 'speech_started') {
        if (clientSpeech === undefined) speechStartS ??= u.startS;
      } else if (u.type === 'partial') {
        // The client's own speech start counts, like speech_started, once its audio is out.
        const since = speechStartS === undefined ? undefined : at - spokenAt(speechStartS);
        const counts = since !== undefined && (clientSpeech === undefined || since >= 0);
        if (counts && firstPartialMs === undefined) firstPartialMs = since;
        partial = u.text;
        partials++;
        shown = true;
      } else {
        const endS = clientSpeech?.endS ?? u.endS;
        if (endS !== undefined) lastFinal = { at, endS };
        if (u.text.trim() !== '') finals.push(u.text.trim());
        partial = '';
        shown = true;
      }
    }
    if (shown) views.push({ final: finals.join(' '), partial });
  });
  try {
    const pcm = prepared.pcm ?? new Uint8Array(0);
    const frameBytes = Math.round((ctx.frameMs / 1000) * STREAM_RATE_HZ) * 2;
    // As a microphone delivers it: a frame goes out once its last sample has been spoken, so
    // audio at `s` seconds is never sent before `spokenAt(s)` (sending each frame at its start
    // put a 320 ms frame's speech on the wire up to 320 ms early: negative first-partial times).
    sentAt = clock.now();
    for (let off = 0; off < pcm.length && !ctx.signal.aborted; off += frameBytes) {
      const frame = pcm.subarray(off, Math.min(pcm.length, off + frameBytes));
      const spokenMs = ((off + frame.length) / 2 / STREAM_RATE_HZ) * 1000;
      const wait = spokenMs - (clock.now() - sentAt);
      if (wait > 0) await clock.sleep(wait, ctx.signal);
      session.sendAudio(frame);
    }
    await session.finish();
  } catch (err) {
    failure ??= toVoxfleetError(err);
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    ctx.onOpenChange?.(-1);
  }
  views.push({ final: finals.join(' '), partial: '' });
  if (ctx.signal.aborted) failure ??= new VoxfleetError('CANCELLED', 'the run ended');
  if (failure !== undefined) return failed(base, ctx, failure, false);
  const churn = measureViewChurn(views);
  // With client speech times, a final that came before the last speech was sent cannot hold
  // the utterance's last words: no final latency then.
  const finalMs =
    lastFinal === undefined ||
    (clientSpeech !== undefined && lastFinal.at < spokenAt(lastFinal.endS))
      ? undefined
      : lastFinal.at - spokenAt(lastFinal.endS);
  const endMs = clock.now() - t0Ms;
  return {
    ...base,
    endMs,
    audioS: prepared.audioS,
    totalMs: endMs - base.startMs,
    ...(firstPartialMs !== undefined ? { firstPartialMs } : {}),
    ...(finalMs !== undefined ? { finalMs } : {}),
    rewrittenWords: churn.rewrittenWords,
    shownWords: churn.shownWords,
    partials,
    ref: prepared.item.text,
    hyp: finals.join(' '),
    ...(language !== undefined ? { language } : {}),
  };
}

export async function runTtsTurn(
  prepared: PreparedItem,
  slot: number,
  ctx: TurnContext,
): Promise<TurnRecord> {
  const { clock, t0Ms } = ctx;
  const base: Base = { slot, itemId: prepared.item.id, startMs: clock.now() - t0Ms };
  const sent = clock.now();
  let firstByteAt: number | undefined;
  const chunks: Uint8Array[] = [];
  try {
    const work = async (): Promise<void> => {
      const res = await synthesizeSpeech(ctx.baseUrl, prepared.item.text, {
        format: 'wav',
        ...(ctx.model !== undefined ? { model: ctx.model } : {}),
      });
      if (res.body === null) throw new VoxfleetError('INTERNAL', 'the speech response has no body');
      const reader: ReadableStreamDefaultReader<Uint8Array> = res.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        firstByteAt ??= clock.now();
        chunks.push(r.value);
      }
    };
    await raceAbort(work(), ctx.signal);
  } catch (err) {
    return failed(base, ctx, err, REFUSAL_CODES.includes(toVoxfleetError(err).code));
  }
  const end = clock.now();
  return {
    ...base,
    endMs: end - t0Ms,
    audioS: wavDurationS(chunks),
    totalMs: end - sent,
    ...(firstByteAt !== undefined ? { firstByteMs: firstByteAt - sent } : {}),
  };
}

export async function runRestTurn(
  prepared: PreparedItem,
  slot: number,
  ctx: TurnContext,
): Promise<TurnRecord> {
  const { clock, t0Ms } = ctx;
  const base: Base = { slot, itemId: prepared.item.id, startMs: clock.now() - t0Ms };
  const language = ctx.language ?? prepared.item.language;
  const sent = clock.now();
  let body: string;
  try {
    body = await raceAbort(
      transcribeBytes(ctx.baseUrl, prepared.bytes, {
        responseFormat: 'verbose_json',
        fileName: prepared.item.audioPath,
        ...(ctx.model !== undefined ? { model: ctx.model } : {}),
        ...(language !== undefined ? { language } : {}),
      }),
      ctx.signal,
    );
  } catch (err) {
    return failed(base, ctx, err, REFUSAL_CODES.includes(toVoxfleetError(err).code));
  }
  const end = clock.now();
  const parsed = JSON.parse(body) as { text?: unknown; duration?: unknown };
  const audioS = typeof parsed.duration === 'number' ? parsed.duration : prepared.audioS;
  const totalMs = end - sent;
  return {
    ...base,
    endMs: end - t0Ms,
    audioS,
    totalMs,
    ...(audioS > 0 ? { rtf: totalMs / 1000 / audioS } : {}),
    ref: prepared.item.text,
    hyp: typeof parsed.text === 'string' ? parsed.text : '',
    ...(language !== undefined ? { language } : {}),
  };
}

/** Seconds of audio in a WAV body: data bytes over the header's byte rate (0 if unreadable). */
function wavDurationS(chunks: readonly Uint8Array[]): number {
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const first = chunks[0];
  if (first === undefined || first.length < 44 || total <= 44) return 0;
  const byteRate = new DataView(first.buffer, first.byteOffset, first.length).getUint32(28, true);
  return byteRate > 0 ? (total - 44) / byteRate : 0;
}
