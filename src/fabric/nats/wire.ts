/**
 * What travels on the NATS fabric's subjects. Every message carries its kind and a per-direction
 * sequence number in headers; the payload is raw bytes for audio (never base64 in JSON) and
 * UTF-8 JSON for everything else. Errors cross as the catalogue's wire shape, so a worker-side
 * VoxfleetError arrives at the gateway with the same code, field and retry hint.
 */
import { headers, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { errorFromWire, toVoxfleetError, type VoxfleetError } from '../../core/index.js';
import type { WorkerStatus } from '../contract.js';

export const HEADER_KIND = 'Vf-Kind';
export const HEADER_SEQ = 'Vf-Seq';

/** Worker -> gateway, on a call's `.out` subject. `result`, `end` and `error` end the call. */
export type OutKind = 'accepted' | 'event' | 'segment' | 'result' | 'chunk' | 'end' | 'error';
/** Gateway -> worker, on a call's `.in` subject (and `open` on the kind's subject). */
export type InKind = 'open' | 'audio' | 'end' | 'control' | 'abort' | 'keepalive';

const OUT_KINDS = new Set<string>([
  'accepted',
  'event',
  'segment',
  'result',
  'chunk',
  'end',
  'error',
]);
const IN_KINDS = new Set<string>(['open', 'audio', 'end', 'control', 'abort', 'keepalive']);

/**
 * Audio is cut into messages of at most this many bytes: under the server's default 1 MiB
 * max_payload with room for headers, and a multiple of 4 so no sample of any encoding is split.
 */
export const MAX_AUDIO_CHUNK_BYTES = 256 * 1024;

/** What a worker stores in the discovery bucket on every heartbeat. */
export interface WorkerAnnouncement {
  readonly status: WorkerStatus;
  readonly zone: string;
  readonly region: string;
  /** The worker's heartbeat period; gateways drop it after a few missed periods. */
  readonly heartbeatMs: number;
}

/** The first message of a call: its kind's request without the audio, and the call id. */
export interface OpenMessage<T> {
  readonly callId: string;
  readonly request: T;
}

export function messageHeaders(kind: OutKind | InKind, seq: number): MsgHdrs {
  const h = headers();
  h.set(HEADER_KIND, kind);
  h.set(HEADER_SEQ, String(seq));
  return h;
}

export function outKindOf(msg: Msg): OutKind | undefined {
  const kind = msg.headers?.get(HEADER_KIND);
  return kind !== undefined && OUT_KINDS.has(kind) ? (kind as OutKind) : undefined;
}

export function inKindOf(msg: Msg): InKind | undefined {
  const kind = msg.headers?.get(HEADER_KIND);
  return kind !== undefined && IN_KINDS.has(kind) ? (kind as InKind) : undefined;
}

export function seqOf(msg: Msg): number {
  const seq = Number(msg.headers?.get(HEADER_SEQ));
  return Number.isInteger(seq) ? seq : -1;
}

/** The server's answer when nobody subscribes to a request's subject (the worker is gone). */
export function isNoResponders(msg: Msg): boolean {
  return msg.data.length === 0 && msg.headers?.code === 503;
}

const encoder = new TextEncoder();

export function jsonPayload(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function errorPayload(err: unknown): Uint8Array {
  return jsonPayload(toVoxfleetError(err).toWire());
}

export function errorOf(msg: Msg): VoxfleetError {
  try {
    return errorFromWire(msg.json<Record<string, unknown>>());
  } catch {
    return errorFromWire({ code: 'INTERNAL', message: 'malformed error from worker' });
  }
}

/** A minimal shape check: a malformed announcement is ignored, never trusted. */
export function parseAnnouncement(bytes: Uint8Array): WorkerAnnouncement | undefined {
  try {
    const a = JSON.parse(new TextDecoder().decode(bytes)) as Partial<WorkerAnnouncement>;
    const s = a.status;
    if (
      typeof a.zone !== 'string' ||
      typeof a.region !== 'string' ||
      typeof a.heartbeatMs !== 'number' ||
      s === undefined ||
      typeof s.id !== 'string' ||
      typeof s.state !== 'string' ||
      !Array.isArray(s.models)
    )
      return undefined;
    return a as WorkerAnnouncement;
  } catch {
    return undefined;
  }
}

/** Splits audio into messages no larger than MAX_AUDIO_CHUNK_BYTES (views, no copies). */
export function audioChunks(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= MAX_AUDIO_CHUNK_BYTES) return [bytes];
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += MAX_AUDIO_CHUNK_BYTES)
    out.push(bytes.subarray(at, at + MAX_AUDIO_CHUNK_BYTES));
  return out;
}
