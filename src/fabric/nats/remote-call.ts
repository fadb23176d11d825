/**
 * The gateway side of one call to one worker: subscribes to the call's `.out` subject, opens
 * the call, then sends input on `.in`. Replies are checked for order (a gap means messages were
 * lost, and the call fails rather than deliver a transcript with a hole). The open waits at most
 * `openTimeoutMs` on the injected clock.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { VoxfleetError, newId, type Clock, type TimerHandle } from '../../core/index.js';
import {
  callInSubject,
  callOutSubject,
  openSubject,
  type CallKind,
  type WorkerAddress,
} from './subjects.js';
import {
  audioChunks,
  errorOf,
  isNoResponders,
  jsonPayload,
  messageHeaders,
  outKindOf,
  seqOf,
  type InKind,
  type OpenMessage,
  type OutKind,
} from './wire.js';

/** Nobody listens on the worker's subjects any more: the caller may try another worker. */
export class NoResponderError extends Error {
  constructor(readonly workerId: string) {
    super(`worker ${workerId} has no subscription`);
    this.name = 'NoResponderError';
  }
}

export interface RemoteCallHandlers {
  /** Every reply after the open, in order (and `event` replies that come before `accepted`). */
  onReply(kind: OutKind, msg: Msg): void;
  /** The call ended without a terminal reply: worker lost, or the order broke. */
  onFailure(err: VoxfleetError): void;
}

/** What the fabric learns from a call about the call and its worker. */
export interface RemoteCallHooks {
  onClosed(call: RemoteCall): void;
  /** The server says nobody subscribes to the worker's subjects: its process is gone. */
  onWorkerGone(workerId: string): void;
}

export class RemoteCall {
  readonly callId = newId('call');
  private readonly subscription: Subscription;
  private inSeq = 0;
  private expectedSeq = 1;
  private closed = false;
  private opening:
    { resolve: (m: Msg) => void; reject: (e: Error) => void; timer: TimerHandle } | undefined;

  constructor(
    private readonly connection: NatsConnection,
    readonly address: WorkerAddress,
    private readonly kind: CallKind,
    private readonly clock: Clock,
    private readonly handlers: RemoteCallHandlers,
    private readonly hooks: RemoteCallHooks,
  ) {
    this.subscription = connection.subscribe(callOutSubject(address, this.callId), {
      callback: (err, msg) => {
        if (err === null) this.onMessage(msg);
      },
    });
  }

  /** Sends the open and resolves with the worker's `accepted` reply. */
  open(request: unknown, timeoutMs: number): Promise<Msg> {
    return new Promise<Msg>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.opening = undefined;
        this.close();
        reject(
          new VoxfleetError(
            'WORKER_LOST',
            `worker ${this.address.workerId} did not answer within ${timeoutMs} ms`,
            { retryAfterMs: 1000 },
          ),
        );
      }, timeoutMs);
      this.opening = { resolve, reject, timer };
      const open: OpenMessage<unknown> = { callId: this.callId, request };
      try {
        this.connection.publish(openSubject(this.address, this.kind), jsonPayload(open), {
          reply: callOutSubject(this.address, this.callId),
          headers: messageHeaders('open', 0),
        });
      } catch (err) {
        // Closed or draining connection: this gateway cannot reach any worker now.
        this.rejectOpen(
          new VoxfleetError(
            'NOT_READY',
            'not connected to NATS',
            { retryAfterMs: 1000 },
            {
              cause: err,
            },
          ),
        );
        this.close();
      }
    });
  }

  send(kind: InKind, payload?: Uint8Array): void {
    if (this.closed || this.connection.isClosed()) return;
    try {
      // The reply subject is never answered by the worker; it is there so that, once the
      // worker's process is gone, the server's "no responders" comes back at the next frame
      // instead of after missed heartbeats.
      this.connection.publish(
        callInSubject(this.address, this.callId),
        payload ?? new Uint8Array(0),
        {
          headers: messageHeaders(kind, ++this.inSeq),
          reply: callOutSubject(this.address, this.callId),
        },
      );
    } catch {
      // Draining or closed: the call is about to end; its worker's lease frees the session.
    }
  }

  sendAudio(bytes: Uint8Array): void {
    for (const chunk of audioChunks(bytes)) this.send('audio', chunk);
  }

  /** Fails the call from the gateway's side (its worker was dropped). */
  fail(err: VoxfleetError): void {
    if (this.closed) return;
    if (this.opening !== undefined) this.rejectOpen(err);
    else this.handlers.onFailure(err);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opening?.timer.cancel();
    this.subscription.unsubscribe();
    this.hooks.onClosed(this);
  }

  private onMessage(msg: Msg): void {
    if (this.closed) return;
    if (isNoResponders(msg)) {
      if (this.opening !== undefined) {
        this.rejectOpen(new NoResponderError(this.address.workerId));
        this.close();
      } else {
        this.fail(
          new VoxfleetError('WORKER_LOST', `worker ${this.address.workerId} is gone`, {
            retryAfterMs: 1000,
          }),
        );
      }
      this.hooks.onWorkerGone(this.address.workerId);
      return;
    }
    const kind = outKindOf(msg);
    if (kind === undefined) return;
    if (seqOf(msg) !== this.expectedSeq) {
      this.fail(new VoxfleetError('INTERNAL', 'replies from the worker were lost in transit'));
      return;
    }
    this.expectedSeq++;
    if (this.opening !== undefined) {
      if (kind === 'accepted') {
        const { resolve, timer } = this.opening;
        this.opening = undefined;
        timer.cancel();
        resolve(msg);
        return;
      }
      if (kind === 'error') {
        this.rejectOpen(errorOf(msg));
        this.close();
        return;
      }
    }
    this.handlers.onReply(kind, msg);
    // The worker ends the call with these; nothing follows them.
    if (kind === 'result' || kind === 'end' || kind === 'error') this.close();
  }

  private rejectOpen(err: Error): void {
    if (this.opening === undefined) return;
    const { reject, timer } = this.opening;
    this.opening = undefined;
    timer.cancel();
    reject(err);
  }
}
