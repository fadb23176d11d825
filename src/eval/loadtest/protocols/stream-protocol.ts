/**
 * The narrow interface between a loadtest stream turn and a streaming ASR server's wire
 * protocol: open a session, send 16 kHz pcm_s16le frames, signal the end of the audio, and read
 * each server message as a few protocol-neutral updates (partial text, final text, error).
 * One implementation per protocol (voxfleet.ts, whisperlive.ts, whisperlivekit.ts).
 */
import type { VoxfleetError } from '../../../core/index.js';
import type { LoadClock } from '../schedule.js';

/** What the load generator reads from one server message. */
export type StreamUpdate =
  /** The server heard speech start `startS` seconds into the audio sent (voxfleet only). */
  | { readonly type: 'speech_started'; readonly startS: number }
  /** Tentative text shown after the finals so far; it replaces the previous partial. */
  | { readonly type: 'partial'; readonly text: string }
  /**
   * Text the server will not change, appended to the finals; it clears the partial. `endS`: when
   * its last word ended, in seconds of the audio sent, where the server says (voxfleet).
   */
  | { readonly type: 'final'; readonly text: string; readonly endS?: number }
  /** The server reported a failure, or the session broke; nothing more will come. */
  | { readonly type: 'error'; readonly error: VoxfleetError };

export interface OpenStreamOptions {
  /** The server, as an http(s) URL; protocols map it to their WebSocket URL. */
  readonly baseUrl: string;
  readonly sampleRateHz: number;
  readonly model: string | undefined;
  readonly language: string | undefined;
  /** Every wait a protocol makes goes through this clock. */
  readonly clock: LoadClock;
  /** Aborts an open in progress and ends a session at once. */
  readonly signal: AbortSignal;
}

export interface StreamSession {
  /** Called with the updates read from each server message, in arrival order. */
  onUpdates(listener: (updates: readonly StreamUpdate[]) => void): void;
  /** Sends one frame of 16-bit little-endian mono PCM at `sampleRateHz`. */
  sendAudio(pcm16: Uint8Array): void;
  /**
   * Tells the server the audio has ended and resolves when the session is over (the server's
   * last result is in). Rejects with a VoxfleetError when the session breaks on the way.
   */
  finish(): Promise<void>;
  /** Drops the connection now. */
  terminate(): void;
}

export interface StreamProtocol {
  readonly name: string;
  /**
   * Where speech start and end come from for latencies: 'server' when the protocol reports them
   * (speech_started, word times of finals), 'client' when the loadtest measures them on the
   * audio it sends (docs/loadtest.md, "Peer protocols").
   */
  readonly speechTimes: 'server' | 'client';
  /**
   * Opens a session and resolves once the server accepts audio. Rejects with a VoxfleetError
   * when it does not (a refusal): OVER_CAPACITY when it is busy, NOT_READY when unreachable.
   */
  open(options: OpenStreamOptions): Promise<StreamSession>;
}

/** What a peer shows at one moment: committed text, then tentative text after it. */
export interface TranscriptView {
  readonly final: string;
  readonly partial: string;
}

export const EMPTY_VIEW: TranscriptView = Object.freeze({ final: '', partial: '' });

/**
 * Updates that take a client from showing `prev` to showing `next`, for protocols that send
 * the whole transcript each time: committed text that grew becomes a `final` of the new part,
 * then a `partial` with the new tentative text (also when empty, so the first text shown
 * counts as the first partial). No updates when nothing changed.
 */
export function viewUpdates(prev: TranscriptView, next: TranscriptView): StreamUpdate[] {
  if (prev.final === next.final && prev.partial === next.partial) return [];
  const updates: StreamUpdate[] = [];
  if (next.final !== prev.final) {
    const added = next.final.startsWith(prev.final)
      ? next.final.slice(prev.final.length).trim()
      : wordsAfterCommonPrefix(prev.final, next.final);
    if (added !== '') updates.push({ type: 'final', text: added });
  }
  updates.push({ type: 'partial', text: next.partial });
  return updates;
}

/** Words of `next` after the longest common word prefix with `prev` (committed text revised). */
function wordsAfterCommonPrefix(prev: string, next: string): string {
  const a = prev.split(/\s+/).filter(Boolean);
  const b = next.split(/\s+/).filter(Boolean);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return b.slice(common).join(' ');
}
