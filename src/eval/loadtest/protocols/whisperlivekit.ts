/**
 * WhisperLiveKit (QuentinFuxa/WhisperLiveKit, `whisperlivekit-server --pcm-input`) as a
 * loadtest stream protocol.
 *
 * Wire protocol (whisperlivekit/basic_server.py, audio_processor.py, version 0.2):
 * - the client connects to `ws://host:port/asr` (`?language=` optional); the server sends
 *   `{"type":"config","useAudioWorklet":true,...}` when it takes raw PCM (`--pcm-input`), or
 *   `{"type":"error","error"}` and closes 4400 for bad session parameters;
 * - audio: binary frames of 16-bit little-endian PCM at 16 kHz;
 * - results: the whole transcript every time it changes (and as the lag counters move, about
 *   every 50 ms): `lines` (committed segments, `{speaker,text,start,end}`, never revised) and
 *   `buffer_transcription` (tentative text after them). Committed text is final; the buffer is
 *   the partial. `{"status":"error","error"}` reports a failure;
 * - end: an empty binary frame. The server transcribes what is left, commits it into `lines`,
 *   sends the last transcript and `{"type":"ready_to_stop"}`; the client then closes.
 */
import WebSocket from 'ws';
import { VoxfleetError } from '../../../core/index.js';
import { closedEarly, connectPeer, peerWsUrl, rawText, waitFor } from './peer-socket.js';
import {
  EMPTY_VIEW,
  viewUpdates,
  type OpenStreamOptions,
  type StreamProtocol,
  type StreamSession,
  type StreamUpdate,
  type TranscriptView,
} from './stream-protocol.js';

/** After the client closes: the longest wait for the close handshake before dropping it (ms). */
const CLOSE_WAIT_MS = 5000;

/** One server message, classified. */
export type WhisperLiveKitMessage =
  | { readonly kind: 'config'; readonly pcmInput: boolean }
  | { readonly kind: 'transcript'; readonly view: TranscriptView }
  | { readonly kind: 'ready_to_stop' }
  | { readonly kind: 'failure'; readonly error: VoxfleetError }
  | { readonly kind: 'ignored' };

/** Reads one text message; unknown or malformed messages are 'ignored'. */
export function parseWhisperLiveKitMessage(raw: string): WhisperLiveKitMessage {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { kind: 'ignored' };
  }
  if (typeof msg !== 'object' || msg === null) return { kind: 'ignored' };
  if (msg.type === 'config') return { kind: 'config', pcmInput: msg.useAudioWorklet === true };
  if (msg.type === 'ready_to_stop') return { kind: 'ready_to_stop' };
  if (msg.type === 'error')
    return {
      kind: 'failure',
      error: new VoxfleetError('INVALID_ARGUMENT', 'WhisperLiveKit refused the session parameters'),
    };
  if (msg.status === 'error')
    return {
      kind: 'failure',
      error: new VoxfleetError('ENGINE_FAILED', 'WhisperLiveKit reported an error'),
    };
  if (!Array.isArray(msg.lines)) return { kind: 'ignored' };
  const final = msg.lines
    .map((l) => (typeof l === 'object' && l !== null ? (l as { text?: unknown }).text : undefined))
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .map((t) => t.trim())
    .join(' ');
  const partial =
    typeof msg.buffer_transcription === 'string' ? msg.buffer_transcription.trim() : '';
  return { kind: 'transcript', view: { final, partial } };
}

class WhisperLiveKitSession implements StreamSession {
  private listener: (updates: readonly StreamUpdate[]) => void = () => {};
  private view: TranscriptView = EMPTY_VIEW;
  private readyToStop = false;
  private closed = false;
  private sawFailure = false;
  /** Set by terminate(): a close the client caused is no error. */
  private terminated = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: OpenStreamOptions,
  ) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(parseWhisperLiveKitMessage(rawText(data)));
    });
    socket.on('close', (code) => {
      this.closed = true;
      if (!this.readyToStop && !this.sawFailure && !this.terminated)
        this.listener([
          { type: 'error', error: closedEarly('WhisperLiveKit', code, 'ready_to_stop') },
        ]);
    });
  }

  private onMessage(m: WhisperLiveKitMessage): void {
    if (m.kind === 'failure') {
      this.sawFailure = true;
      this.listener([{ type: 'error', error: m.error }]);
    } else if (m.kind === 'transcript') {
      const updates = viewUpdates(this.view, m.view);
      this.view = m.view;
      if (updates.length > 0) this.listener(updates);
    } else if (m.kind === 'ready_to_stop') {
      this.readyToStop = true;
      this.socket.close(1000);
    }
  }

  onUpdates(listener: (updates: readonly StreamUpdate[]) => void): void {
    this.listener = listener;
  }

  sendAudio(pcm16: Uint8Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(pcm16);
  }

  /** Sends the empty frame, then waits for ready_to_stop (the run's drain bounds the wait). */
  async finish(): Promise<void> {
    const { clock, signal } = this.options;
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(Buffer.alloc(0));
    await waitFor(() => this.readyToStop || this.closed, clock, signal, Number.POSITIVE_INFINITY);
    if (!(await waitFor(() => this.closed, clock, signal, CLOSE_WAIT_MS))) this.terminate();
  }

  terminate(): void {
    this.terminated = true;
    this.socket.terminate();
  }
}

export const whisperLiveKitProtocol: StreamProtocol = Object.freeze({
  name: 'whisperlivekit',
  speechTimes: 'client',
  async open(options: OpenStreamOptions): Promise<StreamSession> {
    const socket = await connectPeer({
      url: peerWsUrl(options.baseUrl, '/asr', { language: options.language }),
      peer: 'WhisperLiveKit',
      signal: options.signal,
      readyWhen: (text) => {
        const m = parseWhisperLiveKitMessage(text);
        if (m.kind === 'failure') return m.error;
        if (m.kind !== 'config') return undefined;
        return m.pcmInput
          ? true
          : new VoxfleetError(
              'AUDIO_UNSUPPORTED_ENCODING',
              'WhisperLiveKit expects encoded audio; start it with --pcm-input',
            );
      },
    });
    return new WhisperLiveKitSession(socket, options);
  },
});
