/**
 * The worker side of one call: what it does with the gateway's messages and what it sends
 * back. One class per call kind; each publishes on the call's `.out` subject with its own
 * sequence numbers and settles `done` when the call is over (result, end or error sent).
 */
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import {
  VoxfleetError,
  type FileTranscriptionRequest,
  type StreamControl,
  type StreamOpenRequest,
  type SynthesisRequest,
} from '../../core/index.js';
import type { StreamChannel, WorkerEndpoint } from '../contract.js';
import { errorPayload, jsonPayload, messageHeaders, type InKind, type OutKind } from './wire.js';

export interface WorkerCall {
  /** Held only while the gateway keeps talking (streams: audio, controls or keepalives). */
  readonly leased: boolean;
  /** A message from the gateway on this call's `.in` subject. */
  receive(kind: InKind, msg: Msg): void;
  /** Ends the call now, telling the gateway why. */
  abort(err: VoxfleetError): void;
  readonly done: Promise<void>;
}

/** Publishes a call's replies in order on its `.out` subject. */
export class CallReplies {
  private seq = 0;
  private ended = false;

  constructor(
    private readonly connection: NatsConnection,
    private readonly subject: string,
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  send(kind: OutKind, payload?: Uint8Array): void {
    if (this.ended || this.connection.isClosed()) return;
    if (kind === 'result' || kind === 'end' || kind === 'error') this.ended = true;
    try {
      this.connection.publish(this.subject, payload ?? new Uint8Array(0), {
        headers: messageHeaders(kind, ++this.seq),
      });
    } catch {
      // Draining or closed connection: the gateway learns of the loss by missed heartbeats.
    }
  }

  fail(err: unknown): void {
    this.send('error', errorPayload(err));
  }
}

/** A file: the upload arrives in chunks, then `end`; segments stream back, then the result. */
export class TranscribeCall implements WorkerCall {
  // Bounded by its upload: it ends on its own even if the gateway is gone.
  readonly leased = false;
  private readonly parts: Uint8Array[] = [];
  private readonly abortController = new AbortController();
  private settle!: () => void;
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    private readonly endpoint: WorkerEndpoint,
    private readonly request: Omit<FileTranscriptionRequest, 'audio'>,
    private readonly replies: CallReplies,
  ) {
    replies.send('accepted');
  }

  receive(kind: InKind, msg: Msg): void {
    if (kind === 'audio') this.parts.push(msg.data.slice());
    else if (kind === 'end') void this.run();
    else if (kind === 'abort') this.abort(new VoxfleetError('CANCELLED', 'request cancelled'));
  }

  abort(err: VoxfleetError): void {
    this.abortController.abort();
    this.replies.fail(err);
    this.settle();
  }

  private async run(): Promise<void> {
    try {
      const result = await this.endpoint.transcribe(
        { ...this.request, audio: concat(this.parts) },
        {
          signal: this.abortController.signal,
          onSegment: (segment) => this.replies.send('segment', jsonPayload(segment)),
        },
      );
      this.replies.send('result', jsonPayload(result));
    } catch (err) {
      this.replies.fail(err);
    } finally {
      this.parts.length = 0;
      this.settle();
    }
  }
}

/** A live stream: frames and controls in, events out, `end` after the last event. */
export class StreamCall implements WorkerCall {
  // Open-ended: without a lease a vanished gateway would hold the worker's capacity for ever.
  readonly leased = true;
  private channel: StreamChannel | undefined;
  private settle!: () => void;
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    endpoint: WorkerEndpoint,
    request: StreamOpenRequest,
    private readonly replies: CallReplies,
  ) {
    endpoint
      .openStream(request, (event) => this.replies.send('event', jsonPayload(event)))
      .then((channel) => {
        if (this.replies.isEnded) {
          channel.abort();
          return;
        }
        this.channel = channel;
        this.replies.send('accepted');
        void channel.done.then(() => {
          this.replies.send('end');
          this.settle();
        });
      })
      .catch((err: unknown) => {
        this.replies.fail(err);
        this.settle();
      });
  }

  receive(kind: InKind, msg: Msg): void {
    if (kind === 'audio') this.channel?.pushAudio(msg.data.slice());
    else if (kind === 'control') this.channel?.control(msg.json<StreamControl>());
    else if (kind === 'abort') {
      // The gateway dropped the session: it wants no more messages.
      this.channel?.abort();
      this.replies.send('end');
      this.settle();
    }
  }

  abort(err: VoxfleetError): void {
    this.channel?.abort();
    this.replies.fail(err);
    this.settle();
  }
}

/** Speech: the first reply carries the format, then audio chunks as they are produced. */
export class SynthesizeCall implements WorkerCall {
  // Bounded by its input text.
  readonly leased = false;
  private readonly abortController = new AbortController();
  private settle!: () => void;
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(
    endpoint: WorkerEndpoint,
    request: SynthesisRequest,
    private readonly replies: CallReplies,
  ) {
    void this.run(endpoint, request);
  }

  receive(kind: InKind): void {
    if (kind === 'abort') this.abort(new VoxfleetError('CANCELLED', 'request cancelled'));
  }

  abort(err: VoxfleetError): void {
    this.abortController.abort();
    this.replies.fail(err);
    this.settle();
  }

  private async run(endpoint: WorkerEndpoint, request: SynthesisRequest): Promise<void> {
    try {
      const synthesis = await endpoint.synthesize(request, this.abortController.signal);
      const { contentType, sampleRateHz, model, modelVersion } = synthesis;
      this.replies.send(
        'accepted',
        jsonPayload({ contentType, sampleRateHz, model, modelVersion }),
      );
      for await (const chunk of synthesis.chunks) {
        if (this.replies.isEnded) break;
        this.replies.send('chunk', chunk);
      }
      this.replies.send('end');
    } catch (err) {
      this.replies.fail(err);
    } finally {
      this.settle();
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
