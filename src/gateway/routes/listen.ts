/**
 * GET /v1/listen: streaming ASR over WebSocket. One session per connection; the gateway owns
 * the connection (idle timeout, protocol errors, close codes) and the worker, reached through
 * the fabric, owns the transcription.
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import {
  ERROR_CATALOG,
  VoxfleetError,
  newId,
  systemClock,
  toVoxfleetError,
  type Clock,
  type StreamControl,
  type StreamEvent,
  type TimerHandle,
} from '../../core/index.js';
import type { FabricClient, StreamChannel } from '../../fabric/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { FabricForRequest } from '../callers.js';
import {
  parseClientMessage,
  parseListenSettings,
  type ListenSettings,
} from '../listen-protocol.js';

export interface ListenRouteOptions {
  /** The fabric that serves this request's caller. */
  readonly fabricFor: FabricForRequest;
  readonly telemetry: Telemetry;
  /** No audio and no keepalive for this long closes the session. */
  readonly idleTimeoutMs: number;
  readonly clock?: Clock;
}

/** Audio held while the worker session opens: 10 s of 48 kHz float32. */
const MAX_EARLY_BYTES = 48_000 * 4 * 10;

/** Close codes beyond the error catalogue's 4000 + HTTP status. */
export const NORMAL_CLOSE = 1000;

export function registerListenRoute(app: FastifyInstance, options: ListenRouteOptions): void {
  app.get('/v1/listen', { websocket: true }, (socket, req) => {
    const query = req.query as Record<string, unknown>;
    const hasQuerySettings = ['encoding', 'sample_rate', 'model', 'language'].some(
      (k) => k in query,
    );
    new ListenConnection(socket, options.fabricFor(req), options).begin(
      hasQuerySettings ? query : undefined,
    );
  });
}

type ConnectionState = 'awaiting_start' | 'opening' | 'streaming' | 'ended';

class ListenConnection {
  private state: ConnectionState = 'awaiting_start';
  private channel: StreamChannel | undefined;
  private idle: TimerHandle | undefined;
  private readonly clock: Clock;
  private model = '';
  /**
   * Frames, and a finalize or close, that arrive while the worker session is being opened,
   * in arrival order. The worker's `ready` can reach the client before the open's own answer
   * reaches the gateway (over NATS they travel different subjects), so a client may well have
   * sent all its audio and closed by then: nothing of that is dropped.
   */
  private early: Array<Uint8Array | StreamControl> = [];
  private earlyBytes = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly fabric: FabricClient,
    private readonly options: ListenRouteOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  begin(querySettings: Record<string, unknown> | undefined): void {
    this.armIdle();
    this.socket.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    this.socket.on('close', () => this.onSocketClosed());
    this.socket.on('error', () => this.onSocketClosed());
    if (querySettings !== undefined) {
      try {
        this.start(parseListenSettings(querySettings));
      } catch (err) {
        this.fail(err);
      }
    }
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.state === 'ended') return;
    this.armIdle();
    try {
      if (isBinary) {
        const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
        if (this.state === 'awaiting_start') {
          throw protocol('send a start message (or settings as query parameters) before audio');
        }
        if (this.state === 'opening') {
          // Opening takes milliseconds; a client that floods meanwhile is refused, not buffered.
          this.earlyBytes += frame.length;
          if (this.earlyBytes > MAX_EARLY_BYTES)
            throw protocol('too much audio before the session was ready');
          this.early.push(frame.slice());
        } else this.channel?.pushAudio(frame);
        return;
      }
      const message = parseClientMessage(data.toString('utf8'));
      switch (message.type) {
        case 'start':
          if (this.state !== 'awaiting_start') throw protocol('the session has already started');
          this.start(message.settings);
          return;
        case 'keepalive':
          return;
        case 'finalize':
        case 'close':
          if (this.state === 'opening') {
            this.early.push({ type: message.type });
            return;
          }
          if (this.channel === undefined) {
            if (message.type === 'close') this.end(NORMAL_CLOSE, 'closed');
            return;
          }
          this.channel.control({ type: message.type });
          return;
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private start(settings: ListenSettings): void {
    this.state = 'opening';
    const sessionId = newId('sess');
    this.fabric
      .openStream(
        {
          sessionId,
          ...(settings.model !== undefined ? { model: settings.model } : {}),
          ...(settings.language !== undefined ? { language: settings.language } : {}),
          encoding: settings.encoding,
          sampleRateHz: settings.sampleRateHz,
          interimResults: settings.interimResults,
          endpointingMs: settings.endpointingMs,
        },
        (event) => this.onEvent(event),
      )
      .then((channel) => {
        if (this.state === 'ended') {
          channel.abort();
          return;
        }
        this.channel = channel;
        this.state = 'streaming';
        for (const item of this.early.splice(0)) {
          if (item instanceof Uint8Array) channel.pushAudio(item);
          else channel.control(item);
        }
      })
      .catch((err: unknown) => this.fail(err));
  }

  private onEvent(event: StreamEvent): void {
    if (this.state === 'ended') return;
    if (event.type === 'ready') this.model = event.model;
    this.send(event);
    if (event.type === 'closed') this.end(NORMAL_CLOSE, 'closed');
    else if (event.type === 'error') {
      this.options.telemetry.errorReturned(event.code);
      this.end(ERROR_CATALOG[event.code].wsCloseCode, event.code);
    }
  }

  private fail(thrown: unknown): void {
    if (this.state === 'ended') return;
    const err = toVoxfleetError(thrown);
    this.options.telemetry.errorReturned(err.code);
    this.send({
      type: 'error',
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(err.details.retryAfterMs !== undefined
        ? { retry_after_ms: err.details.retryAfterMs }
        : {}),
    });
    this.channel?.abort();
    this.end(err.wsCloseCode, err.code);
  }

  private send(message: object): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private end(code: number, reason: string): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.idle?.cancel();
    this.early = [];
    this.options.telemetry.requestDone(
      'listen',
      this.model,
      code === NORMAL_CLOSE ? 200 : code - 4000,
    );
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(code, reason);
  }

  private onSocketClosed(): void {
    // The client went away: free the worker session at once.
    this.channel?.abort();
    if (this.state !== 'ended') {
      this.state = 'ended';
      this.idle?.cancel();
      this.options.telemetry.requestDone('listen', this.model, 499);
    }
  }

  private armIdle(): void {
    this.idle?.cancel();
    this.idle = this.clock.setTimeout(() => {
      this.fail(
        new VoxfleetError(
          'SESSION_IDLE_TIMEOUT',
          `no audio or keepalive for ${this.options.idleTimeoutMs} ms`,
        ),
      );
    }, this.options.idleTimeoutMs);
  }
}

function protocol(message: string): VoxfleetError {
  return new VoxfleetError('PROTOCOL_VIOLATION', message);
}
