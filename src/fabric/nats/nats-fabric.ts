/**
 * The gateway side of the NATS fabric: a FabricClient whose workers live in other processes.
 * It watches the discovery bucket, keeps the fleet's last announcements (worker-registry.ts),
 * picks workers with the same policy as the in-process fabric (pickWorkerOrder) and carries each
 * call over its own subjects (remote-call.ts).
 *
 * A worker that stops answering is handled in three places: an open that gets no responder
 * moves on to the next worker; an open with no answer fails with WORKER_LOST after
 * `openTimeoutMs`; a worker dropped for missed heartbeats fails its open calls with WORKER_LOST
 * (streams as an `error` event, which failover.ts turns into a replay on another worker).
 */
import type { KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import {
  VoxfleetError,
  systemClock,
  type Clock,
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
  type ModelDescriptor,
  type StreamEvent,
  type StreamOpenRequest,
  type SynthesisRequest,
  type TimerHandle,
  type TranscriptSegment,
} from '../../core/index.js';
import type {
  FabricClient,
  StreamChannel,
  SynthesisStream,
  TranscribeCallOptions,
  WorkerStatus,
} from '../contract.js';
import { pickWorkerOrder, readyModels } from '../in-process.js';
import { ChunkQueue } from './chunk-queue.js';
import { openDiscoveryBucket } from './discovery.js';
import { NoResponderError, RemoteCall, type RemoteCallHandlers } from './remote-call.js';
import { assertSubjectToken, discoveryFilter, type CallKind } from './subjects.js';
import { errorOf, jsonPayload, parseAnnouncement } from './wire.js';
import { WorkerRegistry } from './worker-registry.js';

export interface NatsFabricOptions {
  readonly connection: NatsConnection;
  /** Serve only from workers of this region; every region when undefined. */
  readonly region?: string;
  readonly clock?: Clock;
  /** Heartbeats a worker may miss before it is dropped. */
  readonly missedHeartbeats?: number;
  /** How long a worker has to accept a call (ms). */
  readonly openTimeoutMs?: number;
  /** How often stale workers are looked for (ms). */
  readonly sweepEveryMs?: number;
  /** How often each open stream tells its worker this gateway is still there (ms). */
  readonly keepaliveMs?: number;
}

export const NATS_FABRIC_DEFAULTS = Object.freeze({
  /** Three missed heartbeats: one lost packet or a GC pause does not drop a worker. */
  missedHeartbeats: 3,
  /** Opening takes a round trip and a model lookup; seconds mean the worker is gone. */
  openTimeoutMs: 5000,
  /** A quarter of the default heartbeat: loss is noticed within a heartbeat of the deadline. */
  sweepEveryMs: 250,
  /** Well inside the worker's 20 s stream lease, even with a few keepalives lost. */
  keepaliveMs: 5000,
  /** What a caller with no worker is told to wait before retrying. */
  noWorkerRetryAfterMs: 1000,
});

export class NatsFabric implements FabricClient {
  private readonly registry: WorkerRegistry;
  private readonly callsByWorker = new Map<string, Set<RemoteCall>>();
  /** Open streams, kept alive on their workers by a keepalive every keepaliveMs. */
  private readonly streams = new Set<RemoteCall>();
  private readonly keepalive: TimerHandle;
  private readonly clock: Clock;
  private readonly openTimeoutMs: number;
  /** The `accepted` reply's JSON, kept for the kinds that carry one (synthesize). */
  private readonly lastAccepted = new WeakMap<RemoteCall, Record<string, unknown>>();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly watcher: QueuedIterator<KvWatchEntry>,
    options: NatsFabricOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.openTimeoutMs = options.openTimeoutMs ?? NATS_FABRIC_DEFAULTS.openTimeoutMs;
    this.registry = new WorkerRegistry(
      this.clock,
      options.missedHeartbeats ?? NATS_FABRIC_DEFAULTS.missedHeartbeats,
      (id) => this.onWorkerLost(id),
      options.sweepEveryMs ?? NATS_FABRIC_DEFAULTS.sweepEveryMs,
    );
    this.keepalive = this.clock.setInterval(() => {
      for (const call of this.streams) call.send('keepalive');
    }, options.keepaliveMs ?? NATS_FABRIC_DEFAULTS.keepaliveMs);
  }

  static async start(options: NatsFabricOptions): Promise<NatsFabric> {
    if (options.region !== undefined) assertSubjectToken('region', options.region);
    const bucket = await openDiscoveryBucket(options.connection);
    const watcher = await bucket.watch({ key: discoveryFilter(options.region) });
    const fabric = new NatsFabric(options.connection, watcher, options);
    void fabric.follow();
    return fabric;
  }

  workers(): WorkerStatus[] {
    return this.registry.statuses();
  }

  models(): ModelDescriptor[] {
    return readyModels(this.workers());
  }

  /** Resolves once `predicate` holds for the known workers; for start-up and tests. */
  waitForWorkers(
    predicate: (workers: readonly WorkerStatus[]) => boolean,
    timeoutMs: number,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (predicate(this.workers())) return resolve();
      const timer = this.clock.setTimeout(() => {
        stop();
        reject(new VoxfleetError('NOT_READY', `workers not seen within ${timeoutMs} ms`));
      }, timeoutMs);
      const stop = this.registry.onChange(() => {
        if (!predicate(this.workers())) return;
        stop();
        timer.cancel();
        resolve();
      });
    });
  }

  async transcribe(
    request: FileTranscriptionRequest,
    options: TranscribeCallOptions = {},
  ): Promise<FileTranscriptionResult> {
    throwIfAborted(options.signal);
    const { audio, ...meta } = request;
    let settle!: { resolve: (r: FileTranscriptionResult) => void; reject: (e: Error) => void };
    const result = new Promise<FileTranscriptionResult>(
      (resolve, reject) => (settle = { resolve, reject }),
    );
    const call = await this.open('transcribe', false, meta, {
      onReply: (kind, msg) => {
        if (kind === 'segment') options.onSegment?.(msg.json<TranscriptSegment>());
        else if (kind === 'result') settle.resolve(msg.json<FileTranscriptionResult>());
        else if (kind === 'error') settle.reject(errorOf(msg));
      },
      onFailure: (err) => settle.reject(err),
    });
    const onAbort = (): void => {
      call.send('abort');
      settle.reject(new VoxfleetError('CANCELLED', 'request cancelled'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      call.sendAudio(audio);
      call.send('end');
      return await result;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.release(call);
    }
  }

  async openStream(
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
  ): Promise<StreamChannel> {
    let ended = false;
    // Set once the open resolves; handlers may run before that (events ahead of `accepted`).
    const opened: { call?: RemoteCall } = {};
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const finish = (): void => {
      if (!ended) {
        ended = true;
        resolveDone();
      }
      if (opened.call !== undefined) this.release(opened.call);
    };
    const deliver = (event: StreamEvent): void => {
      if (!ended) onEvent(event);
    };
    const call = await this.open('stream', true, request, {
      onReply: (kind, msg) => {
        if (kind === 'event') deliver(msg.json<StreamEvent>());
        else if (kind === 'end') finish();
        else if (kind === 'error') {
          deliver(errorEvent(errorOf(msg)));
          finish();
        }
      },
      onFailure: (err) => {
        deliver(errorEvent(err));
        finish();
      },
    });
    opened.call = call;
    this.registry.noteStreamOpened(call.address.workerId);
    if (!ended) this.streams.add(call);
    return {
      pushAudio: (frame) => {
        if (!ended) call.sendAudio(frame);
      },
      control: (message) => {
        if (!ended) call.send('control', jsonPayload(message));
      },
      abort: () => {
        if (ended) return;
        call.send('abort');
        finish();
      },
      done,
    };
  }

  async synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisStream> {
    throwIfAborted(signal);
    const opened: { call?: RemoteCall } = {};
    const stop = (): void => {
      if (opened.call === undefined) return;
      opened.call.send('abort');
      this.release(opened.call);
    };
    const queue = new ChunkQueue(stop);
    const call = await this.open('synthesize', false, request, {
      onReply: (kind, msg) => {
        if (kind === 'chunk') queue.push(msg.data.slice());
        else if (kind === 'end') queue.end();
        else if (kind === 'error') queue.fail(errorOf(msg));
      },
      onFailure: (err) => queue.fail(err),
    });
    opened.call = call;
    signal?.addEventListener(
      'abort',
      () => {
        queue.fail(new VoxfleetError('CANCELLED', 'request cancelled'));
        stop();
      },
      { once: true },
    );
    const accepted = (this.lastAccepted.get(call) ?? {}) as Partial<
      Omit<SynthesisStream, 'chunks'>
    >;
    return {
      contentType: accepted.contentType ?? 'application/octet-stream',
      sampleRateHz: accepted.sampleRateHz ?? 0,
      model: accepted.model ?? '',
      chunks: queue,
    };
  }

  /** Stops following the fleet and ends every open call's subscription. */
  async close(): Promise<void> {
    this.watcher.stop();
    this.registry.close();
    this.keepalive.cancel();
    const calls = [...this.callsByWorker.values()].flatMap((set) => [...set]);
    this.callsByWorker.clear();
    for (const call of calls) call.close();
  }

  /**
   * Opens a call on the best worker; a worker with no subscription left is forgotten and the
   * next one tried. Any other refusal (OVER_CAPACITY, a bad request) is the caller's answer.
   */
  private async open(
    kind: CallKind,
    forStream: boolean,
    request: unknown,
    handlers: RemoteCallHandlers,
  ): Promise<RemoteCall> {
    const candidates = pickWorkerOrder(
      this.registry.statuses().map((status) => ({ status })),
      forStream,
    );
    for (const { status } of candidates) {
      const known = this.registry.get(status.id);
      if (known === undefined) continue;
      const { zone, region } = known.announcement;
      const call = new RemoteCall(
        this.connection,
        { zone, region, workerId: status.id },
        kind,
        this.clock,
        handlers,
        {
          onClosed: (closed) => this.untrack(closed),
          onWorkerGone: (workerId) => this.registry.remove(workerId),
        },
      );
      this.track(call);
      try {
        const accepted = await call.open(request, this.openTimeoutMs);
        if (accepted.data.length > 0)
          this.lastAccepted.set(call, accepted.json<Record<string, unknown>>());
        return call;
      } catch (err) {
        this.release(call);
        // The call already told the registry to forget that worker; try the next one.
        if (err instanceof NoResponderError) continue;
        throw err;
      }
    }
    throw new VoxfleetError('NOT_READY', 'no worker is ready', {
      retryAfterMs: NATS_FABRIC_DEFAULTS.noWorkerRetryAfterMs,
    });
  }

  private track(call: RemoteCall): void {
    const id = call.address.workerId;
    let calls = this.callsByWorker.get(id);
    if (calls === undefined) this.callsByWorker.set(id, (calls = new Set()));
    calls.add(call);
  }

  /** Ends a call from this side; its subscription goes and it is no longer tracked. */
  private release(call: RemoteCall): void {
    call.close();
  }

  private untrack(call: RemoteCall): void {
    this.streams.delete(call);
    const calls = this.callsByWorker.get(call.address.workerId);
    calls?.delete(call);
    if (calls?.size === 0) this.callsByWorker.delete(call.address.workerId);
  }

  private onWorkerLost(workerId: string): void {
    const calls = this.callsByWorker.get(workerId);
    if (calls === undefined) return;
    this.callsByWorker.delete(workerId);
    for (const call of calls)
      call.fail(
        new VoxfleetError('WORKER_LOST', `worker ${workerId} stopped answering`, {
          retryAfterMs: NATS_FABRIC_DEFAULTS.noWorkerRetryAfterMs,
        }),
      );
  }

  /** Applies the discovery bucket's updates until close(). */
  private async follow(): Promise<void> {
    try {
      await this.applyUpdates();
    } catch {
      // The watch broke (connection closed for good): no more announcements arrive, so every
      // worker ages out by its missed heartbeats and calls get NOT_READY. Nothing to crash for.
    }
  }

  private async applyUpdates(): Promise<void> {
    for await (const entry of this.watcher) {
      const workerId = entry.key.slice(entry.key.lastIndexOf('.') + 1);
      if (entry.operation !== 'PUT') {
        this.registry.remove(workerId);
        continue;
      }
      const announcement = parseAnnouncement(entry.value);
      if (announcement === undefined || announcement.status.id !== workerId) continue;
      // Entries from the initial snapshot may be old: a worker that died before this gateway
      // started must not look alive. Server time against ours: both are wall clocks.
      this.registry.upsert(announcement, Date.now() - entry.created.getTime());
    }
  }
}

function errorEvent(err: VoxfleetError): StreamEvent {
  return { type: 'error', code: err.code, message: err.message, retryable: err.retryable };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VoxfleetError('CANCELLED', 'request cancelled');
}
