/**
 * A streaming ASR session from the client side: open /v1/listen, send audio, receive events.
 * Works in Node with the `ws` package.
 */
import WebSocket from 'ws';
import {
  VoxfleetError,
  errorFromWire,
  toVoxfleetError,
  type RawEncoding,
  type StreamEvent,
} from '../core/index.js';
import { callerHeaders, type CallerOptions } from './caller.js';

export interface ListenOptions extends CallerOptions {
  readonly model?: string;
  readonly language?: string;
  readonly encoding?: RawEncoding;
  readonly sampleRateHz?: number;
  readonly interimResults?: boolean;
  readonly endpointingMs?: number;
}

type ReadyEvent = Extract<StreamEvent, { type: 'ready' }>;

export class ListenSession {
  private readonly listeners = new Set<(event: StreamEvent) => void>();
  /** The server's `ready` message: session id, model and version serving this session. */
  ready: ReadyEvent | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(private readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const event = JSON.parse((data as Buffer).toString('utf8')) as StreamEvent;
      for (const l of this.listeners) l(event);
    });
  }

  /**
   * Opens the socket with the settings in its query (the server opens the session as the socket
   * is accepted, so `ready`, or a refusal, comes one round trip sooner than after a `start`
   * message) and resolves once the server says `ready`. An abort of `signal` before then drops
   * the socket and rejects with the abort reason.
   */
  static open(
    baseUrl: string,
    options: ListenOptions = {},
    signal?: AbortSignal,
  ): Promise<ListenSession> {
    const url = new URL('/v1/listen', baseUrl.replace(/^http/, 'ws'));
    const settings: Record<string, string | number | boolean | undefined> = {
      model: options.model,
      language: options.language,
      encoding: options.encoding ?? 'pcm_s16le',
      sample_rate: options.sampleRateHz ?? 16000,
      interim_results: options.interimResults ?? true,
      endpointing_ms: options.endpointingMs,
    };
    for (const [k, v] of Object.entries(settings))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const socket = new WebSocket(url, { headers: callerHeaders(options) });
    const session = new ListenSession(socket);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        off();
        socket.terminate();
        reject(toVoxfleetError(signal?.reason));
      };
      const off = session.onEvent((event) => {
        if (event.type === 'ready') {
          off();
          signal?.removeEventListener('abort', onAbort);
          session.ready = event;
          resolve(session);
        } else if (event.type === 'error') {
          off();
          signal?.removeEventListener('abort', onAbort);
          reject(errorFromWire(event));
        }
      });
      if (signal?.aborted === true) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      // Refused before the upgrade (a bad API key, an unknown region): the body says why.
      socket.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          socket.terminate();
          let wire: Record<string, unknown> = {
            code: 'INTERNAL',
            message: `HTTP ${res.statusCode}`,
          };
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
              error?: Record<string, unknown>;
            };
            wire = body.error ?? wire;
          } catch {
            // not JSON: keep the status
          }
          reject(errorFromWire(wire));
        });
      });
      socket.once('error', (err) =>
        reject(new VoxfleetError('NOT_READY', `cannot reach ${url.origin}: ${err.message}`)),
      );
    });
  }

  onEvent(listener: (event: StreamEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sendAudio(frame: Uint8Array): void {
    this.socket.send(frame);
  }

  finalize(): void {
    this.socket.send(JSON.stringify({ type: 'finalize' }));
  }

  keepalive(): void {
    this.socket.send(JSON.stringify({ type: 'keepalive' }));
  }

  /** Asks the server to decode what is left, send the last final and close. */
  async finish(): Promise<{ code: number; reason: string }> {
    if (this.socket.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ type: 'close' }));
    return this.closed;
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/**
 * Streams 16-bit PCM through a session at `pace` x real time in frames of `frameMs`, then
 * finishes it; resolves with every event received. `sleep` is injectable for tests. An abort of
 * `signal` stops sending and drops the socket; the events received so far are returned.
 */
export async function streamPcm16(
  session: ListenSession,
  pcm: Uint8Array,
  options: {
    sampleRateHz: number;
    frameMs?: number;
    pace?: number;
    sleep?: (ms: number) => Promise<void>;
    signal?: AbortSignal;
  },
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  session.onEvent((e) => events.push(e));
  const { signal } = options;
  const drop = (): void => session.terminate();
  if (signal?.aborted === true) drop();
  signal?.addEventListener('abort', drop, { once: true });
  const frameBytes = Math.round(((options.frameMs ?? 100) / 1000) * options.sampleRateHz) * 2;
  const pace = options.pace ?? 1;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const t0 = performance.now();
  for (let off = 0; off < pcm.length && signal?.aborted !== true; off += frameBytes) {
    const frame = pcm.subarray(off, Math.min(pcm.length, off + frameBytes));
    // As a microphone delivers it: a frame goes out once its last sample has been spoken, so
    // audio at `s` seconds never reaches the server before `t0 + s * 1000 / pace`.
    if (Number.isFinite(pace)) {
      const due = ((off + frame.length) / 2 / options.sampleRateHz) * (1000 / pace);
      const wait = due - (performance.now() - t0);
      if (wait > 0) await sleep(wait);
    }
    session.sendAudio(frame);
  }
  try {
    await session.finish();
  } finally {
    signal?.removeEventListener('abort', drop);
  }
  return events;
}
