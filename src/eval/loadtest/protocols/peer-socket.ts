/**
 * What the peer protocols share: opening a WebSocket up to the server's "ready", URLs, error
 * codes for broken sessions, waits on the run's clock, PCM conversion.
 */
import WebSocket from 'ws';
import { VoxfleetError } from '../../../core/index.js';
import type { LoadClock } from '../schedule.js';

/** How often a protocol re-checks a condition it waits for. */
export const POLL_MS = 50;

/** The WebSocket URL at `path` of an http(s) server URL, with query parameters. */
export function peerWsUrl(
  baseUrl: string,
  path: string,
  query: Readonly<Record<string, string | undefined>> = {},
): URL {
  const url = new URL(path, baseUrl.replace(/^http/, 'ws'));
  for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** A server that cannot be reached (refused, reset, not a WebSocket endpoint): NOT_READY. */
export function unreachable(url: URL, err: Error): VoxfleetError {
  return new VoxfleetError('NOT_READY', `cannot reach ${url.origin}: ${err.message}`);
}

/** The session ended before the protocol's last message: INTERNAL, the close code kept. */
export function closedEarly(peer: string, code: number, before: string): VoxfleetError {
  return new VoxfleetError('INTERNAL', `${peer} closed the session (${code}) before ${before}`);
}

export function cancelled(): VoxfleetError {
  return new VoxfleetError('CANCELLED', 'the run ended');
}

/**
 * Connects to a peer and resolves with the socket once `readyWhen` says a text message means
 * ready (true); a VoxfleetError from it rejects (a refusal), undefined keeps waiting. Rejects
 * NOT_READY when the server cannot be reached, INTERNAL when it closes first, CANCELLED when
 * `signal` aborts; the socket is dropped then. `onOpen` sends what the protocol sends first.
 */
export function connectPeer(options: {
  readonly url: URL;
  readonly peer: string;
  readonly signal: AbortSignal;
  readonly readyWhen: (text: string) => true | VoxfleetError | undefined;
  readonly onOpen?: (socket: WebSocket) => void;
}): Promise<WebSocket> {
  const { url, peer, signal, readyWhen, onOpen } = options;
  return new Promise<WebSocket>((resolve, reject) => {
    if (signal.aborted) return reject(cancelled());
    const socket = new WebSocket(url);
    let done = false;
    const settle = (err?: VoxfleetError): void => {
      if (done) return;
      done = true;
      socket.off('message', onMessage).off('close', onClose).off('error', onError);
      signal.removeEventListener('abort', onAbort);
      // Later errors also close the socket; the session reports them from 'close'.
      socket.on('error', () => {});
      if (err === undefined) return resolve(socket);
      socket.terminate();
      reject(err);
    };
    const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
      if (isBinary) return;
      const verdict = readyWhen(rawText(data));
      if (verdict === true) settle();
      else if (verdict !== undefined) settle(verdict);
    };
    const onClose = (code: number): void => settle(closedEarly(peer, code, 'it was ready'));
    const onError = (err: Error): void => settle(unreachable(url, err));
    const onAbort = (): void => settle(cancelled());
    socket.on('message', onMessage).on('close', onClose).on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('open', () => onOpen?.(socket));
  });
}

/** A text message's string, whatever form `ws` hands it over in. */
export function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/**
 * Waits on `clock` until `done()` holds, `signal` aborts or `timeoutMs` passes; true when
 * `done()` held.
 */
export async function waitFor(
  done: () => boolean,
  clock: LoadClock,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  const until = clock.now() + timeoutMs;
  while (!done() && !signal.aborted && clock.now() < until) await clock.sleep(POLL_MS, signal);
  return done();
}

/** 16-bit little-endian PCM to 32-bit float little-endian PCM in [-1, 1). */
export function pcm16ToFloat32(pcm16: Uint8Array): Buffer {
  const samples = pcm16.length >> 1;
  const view = new DataView(pcm16.buffer, pcm16.byteOffset, samples * 2);
  const out = Buffer.allocUnsafe(samples * 4);
  for (let i = 0; i < samples; i++) out.writeFloatLE(view.getInt16(i * 2, true) / 32768, i * 4);
  return out;
}
