/**
 * One turn of one virtual client against a voxfleet server, timed on the client side.
 * A failed turn comes back as a record with `error` set; a turn never throws.
 *
 * - stream: opens `/v1/listen` (partials on), sends the item's PCM at real-time pace in
 *   `frameMs` frames, asks the server to finish, and waits for the close. Latencies as in
 *   `voxfleet eval --path ws-realtime`: audio at `s` seconds counts as spoken at
 *   `sent + s * 1000`. Any error before `ready` is a refusal (`atOpen`).
 * - tts: `POST /v1/audio/speech`; first byte and total time of the response body.
 * - rest: `POST /v1/audio/transcriptions` (verbose_json); latency and RTF.
 * For tts and rest, capacity errors (REFUSAL_CODES) count as refusals.
 */
import { ListenSession, synthesizeSpeech, transcribeBytes } from '../../client/index.js';
import { VoxfleetError, errorFromWire, toVoxfleetError } from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import { measureChurn, type ChurnCounts } from './churn.js';
import type { LoadClock } from './schedule.js';
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
}

export interface TurnContext {
  readonly baseUrl: string;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly frameMs: number;
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
  const { clock, t0Ms } = ctx;
  const base: Base = { slot, itemId: prepared.item.id, startMs: clock.now() - t0Ms };
  const language = ctx.language ?? prepared.item.language;
  let session: ListenSession;
  try {
    session = await raceAbort(
      ListenSession.open(ctx.baseUrl, {
        sampleRateHz: STREAM_RATE_HZ,
        interimResults: true,
        ...(ctx.model !== undefined ? { model: ctx.model } : {}),
        ...(language !== undefined ? { language } : {}),
      }),
      ctx.signal,
    );
  } catch (err) {
    return failed(base, ctx, err, true);
  }
  ctx.onOpenChange?.(1);
  const stop = (): void => session.terminate();
  ctx.signal.addEventListener('abort', stop, { once: true });
  let failure: VoxfleetError | undefined;
  let sentAt = 0;
  let speechStartS: number | undefined;
  let firstPartialMs: number | undefined;
  let finalMs: number | undefined;
  let partials: string[] = [];
  const churn: ChurnCounts[] = [];
  const finals: string[] = [];
  session.onEvent((e) => {
    const at = clock.now();
    const spokenAt = (s: number): number => sentAt + s * 1000;
    if (e.type === 'error') failure ??= errorFromWire(e);
    if (e.type === 'speech_started' && speechStartS === undefined) speechStartS = e.start_s;
    if (e.type === 'partial') {
      if (speechStartS !== undefined && firstPartialMs === undefined)
        firstPartialMs = at - spokenAt(speechStartS);
      partials.push(e.text);
    }
    if (e.type === 'final') {
      finalMs = at - spokenAt(e.words.at(-1)?.end_s ?? e.end_s);
      churn.push(measureChurn(partials, e.text));
      partials = [];
      if (e.text.trim() !== '') finals.push(e.text.trim());
    }
  });
  try {
    const pcm = prepared.pcm ?? new Uint8Array(0);
    const frameBytes = Math.round((ctx.frameMs / 1000) * STREAM_RATE_HZ) * 2;
    sentAt = clock.now();
    for (let off = 0, i = 1; off < pcm.length && !ctx.signal.aborted; off += frameBytes, i++) {
      session.sendAudio(pcm.subarray(off, Math.min(pcm.length, off + frameBytes)));
      const wait = i * ctx.frameMs - (clock.now() - sentAt);
      if (wait > 0) await clock.sleep(wait, ctx.signal);
    }
    await session.finish();
  } catch (err) {
    failure ??= toVoxfleetError(err);
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    ctx.onOpenChange?.(-1);
  }
  if (partials.length > 0) churn.push(measureChurn(partials, ''));
  if (ctx.signal.aborted) failure ??= new VoxfleetError('CANCELLED', 'the run ended');
  if (failure !== undefined) return failed(base, ctx, failure, false);
  const endMs = clock.now() - t0Ms;
  return {
    ...base,
    endMs,
    audioS: prepared.audioS,
    totalMs: endMs - base.startMs,
    ...(firstPartialMs !== undefined ? { firstPartialMs } : {}),
    ...(finalMs !== undefined ? { finalMs } : {}),
    rewrittenWords: churn.reduce((s, c) => s + c.rewrittenWords, 0),
    shownWords: churn.reduce((s, c) => s + c.shownWords, 0),
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
