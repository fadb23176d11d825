/** A /v1/listen session (docs/streaming.md) from the browser: 16-bit PCM in, events out. */
import type { ListenEvent } from './wire';

export interface ListenOptions {
  readonly sampleRateHz: number;
  readonly model?: string;
  readonly language?: string;
}

export interface ListenHandlers {
  /** Every server message, `ready` included. */
  readonly onEvent: (event: ListenEvent) => void;
  /** The socket closed: after `closed` or an error (4xxx), or the connection dropped. */
  readonly onClose: (code: number) => void;
}

export class ListenSocket {
  private constructor(private readonly socket: WebSocket) {}

  /** Resolves once the server has answered `ready`; rejects if it refuses or the socket closes. */
  static open(options: ListenOptions, handlers: ListenHandlers): Promise<ListenSocket> {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/v1/listen`);
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      socket.onopen = () =>
        socket.send(
          JSON.stringify({
            type: 'start',
            encoding: 'pcm_s16le',
            sample_rate: options.sampleRateHz,
            interim_results: true,
            ...(options.model ? { model: options.model } : {}),
            ...(options.language ? { language: options.language } : {}),
          }),
        );
      socket.onmessage = (e: MessageEvent<string>) => {
        const event = JSON.parse(e.data) as ListenEvent;
        handlers.onEvent(event);
        if (event.type === 'ready') resolve(new ListenSocket(socket));
        if (event.type === 'error') reject(new Error(`${event.code}: ${event.message}`));
      };
      socket.onclose = (e) => {
        reject(new Error(`the stream closed (${e.code} ${e.reason})`));
        handlers.onClose(e.code);
      };
    });
  }

  sendAudio(pcm: ArrayBuffer): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(pcm);
  }

  /** Asks the server to finish the last utterance; settles when the socket has closed. */
  close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.addEventListener('close', () => resolve(), { once: true });
      this.socket.send(JSON.stringify({ type: 'close' }));
    });
  }
}
