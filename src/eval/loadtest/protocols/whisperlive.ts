/**
 * WhisperLive (collabora/WhisperLive, faster_whisper backend) as a loadtest stream protocol.
 *
 * Wire protocol (whisper_live/server.py and client.py, version 0.10):
 * - the client connects to `ws://host:port/` and sends one JSON options message (`uid`,
 *   `language`, `task`, `model`, `use_vad`, ...); the server answers
 *   `{"uid","message":"SERVER_READY","backend"}`, or `{"uid","status":"WAIT","message":minutes}`
 *   and closes when it has `max_clients` sessions (OVER_CAPACITY here), or
 *   `{"uid","status":"ERROR","message"}` (ENGINE_FAILED);
 * - audio: binary frames of 32-bit float PCM at 16 kHz;
 * - results: `{"uid","segments":[{start,end,text,completed}]}`, the last `send_last_n_segments`
 *   segments each time. Completed segments are finals; a last, incomplete one is the partial.
 *   The server completes a segment when a new one starts after it, or when the same text has
 *   come back `same_output_threshold` times (so a last segment completes a few passes after
 *   the audio stops);
 * - end: the binary frame `END_OF_AUDIO`; the server stops transcribing at once (it does not
 *   flush the incomplete segment) and closes. So the client first waits for the final: a
 *   segments message, after its last audio, in which every segment is completed; or no
 *   message for SETTLE_QUIET_MS; or SETTLE_MAX_MS in all. Then it sends END_OF_AUDIO.
 */
import WebSocket from 'ws';
import { VoxfleetError, newId } from '../../../core/index.js';
import {
  closedEarly,
  connectPeer,
  peerWsUrl,
  pcm16ToFloat32,
  rawText,
  waitFor,
} from './peer-socket.js';
import {
  EMPTY_VIEW,
  viewUpdates,
  type OpenStreamOptions,
  type StreamProtocol,
  type StreamSession,
  type StreamUpdate,
  type TranscriptView,
} from './stream-protocol.js';

/** Session options sent with every session: WhisperLive's own client defaults. */
export const WHISPERLIVE_SESSION_DEFAULTS = Object.freeze({
  task: 'transcribe',
  /** Model name the client asks for; a server started with a custom model path ignores it. */
  model: 'small',
  use_vad: true,
  send_last_n_segments: 10,
  no_speech_thresh: 0.45,
  clip_audio: false,
  same_output_threshold: 10,
});
/** After the last audio frame: no message for this long means no final is coming (ms). */
export const SETTLE_QUIET_MS = 10_000;
/** After the last audio frame: the longest wait for the final before END_OF_AUDIO (ms). */
export const SETTLE_MAX_MS = 30_000;
/** After END_OF_AUDIO: the longest wait for the server to close before dropping it (ms). */
const CLOSE_WAIT_MS = 10_000;

export interface WhisperLiveSegment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly completed: boolean;
}

/** One server message, classified. */
export type WhisperLiveMessage =
  | { readonly kind: 'ready' }
  | { readonly kind: 'segments'; readonly segments: readonly WhisperLiveSegment[] }
  | { readonly kind: 'failure'; readonly error: VoxfleetError }
  | { readonly kind: 'ignored' };

/** Reads one text message; unknown or malformed messages are 'ignored'. */
export function parseWhisperLiveMessage(raw: string): WhisperLiveMessage {
  let msg: Record<string, unknown>;
  try {
    msg = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { kind: 'ignored' };
  }
  if (typeof msg !== 'object' || msg === null) return { kind: 'ignored' };
  if (msg.status === 'WAIT') {
    const minutes = typeof msg.message === 'number' ? msg.message : 0;
    const retryAfterMs = Math.max(0, Math.round(minutes * 60_000));
    return {
      kind: 'failure',
      error: new VoxfleetError('OVER_CAPACITY', 'WhisperLive is full (status WAIT)', {
        retryAfterMs,
      }),
    };
  }
  if (msg.status === 'ERROR')
    return {
      kind: 'failure',
      error: new VoxfleetError('ENGINE_FAILED', 'WhisperLive reported an error (status ERROR)'),
    };
  if (msg.message === 'SERVER_READY') return { kind: 'ready' };
  if (msg.message === 'DISCONNECT')
    return {
      kind: 'failure',
      error: new VoxfleetError('INTERNAL', 'WhisperLive ended the session (DISCONNECT)'),
    };
  if (Array.isArray(msg.segments))
    return { kind: 'segments', segments: readSegments(msg.segments) };
  return { kind: 'ignored' };
}

function readSegments(raw: readonly unknown[]): WhisperLiveSegment[] {
  const out: WhisperLiveSegment[] = [];
  for (const s of raw) {
    if (typeof s !== 'object' || s === null) continue;
    const seg = s as Record<string, unknown>;
    const start = Number(seg.start);
    const end = Number(seg.end);
    if (!Number.isFinite(start) || !Number.isFinite(end) || typeof seg.text !== 'string') continue;
    out.push({ start, end, text: seg.text.trim(), completed: seg.completed === true });
  }
  return out;
}

/**
 * The transcript a WhisperLive client has seen: completed segments kept in order (one is
 * added when it starts at or after the end of the last kept one, as WhisperLive's client
 * does), and the text of the last incomplete segment.
 */
export class WhisperLiveTranscript {
  private readonly completed: WhisperLiveSegment[] = [];
  private view: TranscriptView = EMPTY_VIEW;

  /** Applies one segments message: the updates it brings, and whether all is completed. */
  apply(segments: readonly WhisperLiveSegment[]): {
    updates: StreamUpdate[];
    allCompleted: boolean;
  } {
    for (const s of segments) {
      if (!s.completed || s.text === '') continue;
      const last = this.completed.at(-1);
      if (last === undefined || s.start >= last.end) this.completed.push(s);
    }
    const tail = segments.at(-1);
    const next: TranscriptView = {
      final: this.completed.map((s) => s.text).join(' '),
      partial: tail !== undefined && !tail.completed ? tail.text : '',
    };
    const updates = viewUpdates(this.view, next);
    this.view = next;
    return { updates, allCompleted: tail !== undefined && tail.completed };
  }
}

class WhisperLiveSession implements StreamSession {
  private listener: (updates: readonly StreamUpdate[]) => void = () => {};
  private readonly transcript = new WhisperLiveTranscript();
  /** When the last audio frame went out, and the last segments message came in. */
  private lastAudioAt: number;
  private lastMessageAt: number;
  /** When the latest segments message came, if every segment in it was completed. */
  private allCompletedAt: number | undefined;
  private closed = false;
  private endSent = false;
  private sawFailure = false;
  /** Set by terminate(): a close the client caused is no error. */
  private terminated = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly options: OpenStreamOptions,
  ) {
    this.lastMessageAt = this.lastAudioAt = options.clock.now();
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(parseWhisperLiveMessage(rawText(data)));
    });
    socket.on('close', (code) => {
      this.closed = true;
      if (!this.endSent && !this.sawFailure && !this.terminated)
        this.listener([{ type: 'error', error: closedEarly('WhisperLive', code, 'END_OF_AUDIO') }]);
    });
  }

  private onMessage(m: WhisperLiveMessage): void {
    const at = this.options.clock.now();
    if (m.kind === 'failure') {
      this.sawFailure = true;
      this.listener([{ type: 'error', error: m.error }]);
      return;
    }
    if (m.kind !== 'segments') return;
    this.lastMessageAt = at;
    const { updates, allCompleted } = this.transcript.apply(m.segments);
    this.allCompletedAt = allCompleted ? at : undefined;
    if (updates.length > 0) this.listener(updates);
  }

  onUpdates(listener: (updates: readonly StreamUpdate[]) => void): void {
    this.listener = listener;
  }

  sendAudio(pcm16: Uint8Array): void {
    this.lastAudioAt = this.options.clock.now();
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(pcm16ToFloat32(pcm16));
  }

  async finish(): Promise<void> {
    const { clock, signal } = this.options;
    // The final: every segment completed, in a message that came after the last audio.
    const settled = (): boolean =>
      this.allCompletedAt !== undefined && this.allCompletedAt >= this.lastAudioAt;
    const quiet = (): boolean =>
      clock.now() - Math.max(this.lastMessageAt, this.lastAudioAt) >= SETTLE_QUIET_MS;
    await waitFor(() => settled() || this.closed || quiet(), clock, signal, SETTLE_MAX_MS);
    if (this.socket.readyState === WebSocket.OPEN) {
      this.endSent = true;
      this.socket.send(Buffer.from('END_OF_AUDIO', 'utf8'));
    }
    if (!(await waitFor(() => this.closed, clock, signal, CLOSE_WAIT_MS))) this.terminate();
  }

  terminate(): void {
    this.terminated = true;
    this.socket.terminate();
  }
}

export const whisperLiveProtocol: StreamProtocol = Object.freeze({
  name: 'whisperlive',
  speechTimes: 'client',
  async open(options: OpenStreamOptions): Promise<StreamSession> {
    const socket = await connectPeer({
      url: peerWsUrl(options.baseUrl, '/'),
      peer: 'WhisperLive',
      signal: options.signal,
      readyWhen: (text) => {
        const m = parseWhisperLiveMessage(text);
        return m.kind === 'ready' ? true : m.kind === 'failure' ? m.error : undefined;
      },
      onOpen: (s) =>
        s.send(
          JSON.stringify({
            uid: newId('loadtest'),
            language: options.language ?? null,
            ...WHISPERLIVE_SESSION_DEFAULTS,
            ...(options.model !== undefined ? { model: options.model } : {}),
          }),
        ),
    });
    return new WhisperLiveSession(socket, options);
  },
});
