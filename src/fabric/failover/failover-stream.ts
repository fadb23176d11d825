/**
 * A stream that survives the loss of its worker. It stays on one worker while that worker
 * lives (sticky); it keeps the audio since the last final (ReplayBuffer); when the worker is
 * lost it opens the session on another worker, replays the buffer, and shifts the new worker's
 * times onto the stream's timeline. The client sees one stream: `ready` once, no final twice,
 * no word lost (unless no worker can be found within the policy's attempts).
 */
import {
  BYTES_PER_SAMPLE,
  errorFromWire,
  sleep,
  systemClock,
  toVoxfleetError,
  type Clock,
  type StreamControl,
  type StreamEvent,
  type StreamOpenRequest,
} from '../../core/index.js';
import type { FabricClient, StreamChannel } from '../contract.js';
import {
  delayFor,
  isFailoverCause,
  isRetryableOpen,
  type FailoverPolicy,
} from './failover-policy.js';
import { ReplayBuffer, wavHeaderLength } from './replay-buffer.js';
import { shiftEvent } from './shift-event.js';
import { StreamContinuity } from './stream-continuity.js';

export interface FailoverObserver {
  /** A stream's worker was lost and the stream was reopened elsewhere after `gapMs`. */
  failedOver?(sessionId: string, gapMs: number, replayedS: number): void;
  /** A stream moved to another model (moveAtNextFinal); `ok` false: it stayed where it was. */
  moved?(sessionId: string, model: string | undefined, ok: boolean): void;
}

type Phase = 'live' | 'reopening' | 'ended';

export class FailoverStream implements StreamChannel {
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  private phase: Phase = 'live';
  private inner: StreamChannel | undefined;
  /** Counts sessions, so events of a lost one arriving late are ignored. */
  private generation = 0;
  private readonly buffer: ReplayBuffer;
  private firstFrame = true;
  private readonly continuity = new StreamContinuity();
  /** Where to move once the next final has been delivered (moveAtNextFinal). */
  private pendingMove: StreamOpenRequest | undefined;

  private constructor(
    private readonly fabric: FabricClient,
    /** What a reopen asks for: the opening request, or the one the stream last moved to. */
    private request: StreamOpenRequest,
    private readonly onEvent: (event: StreamEvent) => void,
    private readonly policy: FailoverPolicy,
    private readonly clock: Clock,
    private readonly observer: FailoverObserver,
  ) {
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
    this.buffer = new ReplayBuffer({
      encoding: request.encoding,
      sampleRateHz: request.sampleRateHz,
      maxBufferedS: policy.maxBufferedS,
      trimGridMs: policy.trimGridMs,
    });
  }

  /** Opens on the fabric's choice of worker; refusals reach the caller as from the fabric. */
  static async open(
    fabric: FabricClient,
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
    policy: FailoverPolicy,
    observer: FailoverObserver = {},
    clock: Clock = systemClock,
  ): Promise<FailoverStream> {
    const stream = new FailoverStream(fabric, request, onEvent, policy, clock, observer);
    stream.inner = await fabric.openStream(
      request,
      stream.listener(0, () => 0),
    );
    return stream;
  }

  moveAtNextFinal(request: StreamOpenRequest): void {
    if (this.phase !== 'ended')
      this.pendingMove = { ...request, sessionId: this.request.sessionId };
  }

  pushAudio(frame: Uint8Array): void {
    if (this.phase === 'ended') return;
    const header = this.firstFrame ? wavHeaderLength(frame) : 0;
    this.firstFrame = false;
    this.buffer.pushAudio(header > 0 ? frame.subarray(header) : frame);
    if (!this.continuity.inUtterance) this.buffer.trimSilence(this.policy.silenceKeptS);
    if (this.phase === 'live') this.inner?.pushAudio(frame);
  }

  control(message: StreamControl): void {
    if (this.phase === 'ended') return;
    this.buffer.pushControl(message);
    if (this.phase === 'live') this.inner?.control(message);
  }

  abort(): void {
    if (this.phase === 'ended') return;
    this.inner?.abort();
    this.end();
  }

  /** `offsetS` is read per event: a move fixes its offset only once it takes over. */
  private listener(generation: number, offsetS: () => number): (event: StreamEvent) => void {
    return (raw) => {
      if (generation !== this.generation || this.phase === 'ended') return;
      if (raw.type === 'error' && isFailoverCause(raw.code) && this.buffer.replayable) {
        void this.failOver(1);
        return;
      }
      const event = this.continuity.pass(shiftEvent(raw, offsetS()), generation > 0);
      if (event === undefined) return;
      if (event.type === 'final') this.buffer.trimTo(event.end_s);
      this.onEvent(event);
      if (event.type === 'closed' || event.type === 'error') this.end();
      else if (event.type === 'final' && this.pendingMove !== undefined) void this.move();
    };
  }

  /**
   * Opens the pending move's session while this one goes on; once it is open, it takes over:
   * the audio since the last final is replayed into it and the old session is dropped. A move
   * that cannot open leaves the stream where it was (nothing is lost either way).
   */
  private async move(): Promise<void> {
    const request = this.pendingMove;
    if (request === undefined || this.phase !== 'live') return;
    this.pendingMove = undefined;
    const generation = this.generation + 1;
    let offsetS = 0;
    let inner: StreamChannel;
    try {
      inner = await this.fabric.openStream(
        request,
        this.listener(generation, () => offsetS),
      );
    } catch {
      this.observer.moved?.(request.sessionId, request.model, false);
      return;
    }
    if (this.phase !== 'live') {
      // Ended, or failing over meanwhile (which reopens with the moved-to request).
      inner.abort();
      if (this.phase === 'reopening') this.request = request;
      return;
    }
    const old = this.inner;
    this.generation = generation;
    this.request = request;
    this.inner = inner;
    offsetS = this.buffer.offsetS;
    this.replayInto(inner);
    old?.abort();
    this.observer.moved?.(request.sessionId, request.model, true);
  }

  /** Reopens on another worker (attempt 1..maxAttempts) and replays what was not finalised. */
  private async failOver(attempt: number): Promise<void> {
    const lostAt = this.clock.now();
    this.phase = 'reopening';
    this.inner = undefined;
    const generation = ++this.generation;
    let lastError = errorFromWire({ code: 'WORKER_LOST', message: 'the worker was lost' });
    for (let n = attempt; n <= this.policy.maxAttempts; n++) {
      const waitMs = delayFor(this.policy, n - 1);
      if (waitMs > 0) await sleep(this.clock, waitMs);
      if (this.isEnded()) return;
      const offsetS = this.buffer.offsetS;
      try {
        const inner = await this.fabric.openStream(
          this.request,
          this.listener(generation, () => offsetS),
        );
        if (this.isEnded()) {
          inner.abort();
          return;
        }
        this.inner = inner;
        this.phase = 'live';
        const replayedBytes = this.replayInto(inner);
        this.observer.failedOver?.(
          this.request.sessionId,
          this.clock.now() - lostAt,
          replayedBytes / this.bytesPerSecond(),
        );
        return;
      } catch (err) {
        lastError = toVoxfleetError(err);
        if (!isRetryableOpen(lastError.code)) break;
      }
    }
    this.onEvent({
      type: 'error',
      code: lastError.code,
      message: lastError.message,
      retryable: lastError.retryable,
    });
    this.end();
  }

  /** Sends what was not finalised (audio and controls, in order) to a new session; its bytes. */
  private replayInto(inner: StreamChannel): number {
    let bytes = 0;
    for (const item of this.buffer.replay()) {
      if (item.kind === 'audio') {
        bytes += item.bytes.length;
        inner.pushAudio(item.bytes);
      } else inner.control(item.message);
    }
    return bytes;
  }

  private bytesPerSecond(): number {
    return this.request.sampleRateHz * BYTES_PER_SAMPLE[this.request.encoding];
  }

  /** A method, not a field read: `phase` changes while failOver() awaits. */
  private isEnded(): boolean {
    return this.phase === 'ended';
  }

  private end(): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.resolveDone();
  }
}
