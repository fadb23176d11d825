/**
 * The gateway side of the NATS fabric: a FabricClient whose workers live in other processes.
 * It watches the discovery bucket, keeps the fleet's last announcements (worker-registry.ts),
 * picks workers with the same policy as the in-process fabric (pickWorkerOrder) and carries each
 * call over its own subjects (remote-call.ts).
 *
 * A worker that stops answering is handled in three places: an open that gets no responder
 * moves on to the next worker; an open with no answer within `openTimeoutMs` moves on too; a
 * worker dropped for missed heartbeats fails its open calls with WORKER_LOST (streams as an
 * `error` event, which failover.ts turns into a replay on another worker).
 *
 * Regions: the fabric follows the discovery bucket of every region it may use and tries them
 * in a call's route order (region-router.ts passes the caller's plan; the default route is the
 * regions in the order given). An injected CallHealth (routing's circuit breakers, per worker
 * and per region) skips what keeps failing, with half-open probes to notice recovery.
 */
import type { KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import {
  VoxfleetError,
  sleep,
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
import { ALWAYS_HEALTHY, regionKey, workerKey, type CallHealth } from './call-health.js';
import { assertJetStream, bindDiscoveryBucket } from './discovery.js';
import { NoResponderError, RemoteCall, type RemoteCallHandlers } from './remote-call.js';
import { assertSubjectToken, discoveryFilter, type CallKind } from './subjects.js';
import { errorOf, jsonPayload, parseAnnouncement } from './wire.js';
import { WorkerRegistry } from './worker-registry.js';

export interface NatsFabricOptions {
  readonly connection: NatsConnection;
  /** Regions whose workers this fabric may use, in the default order of preference. */
  readonly regions: readonly string[];
  /** Only workers of this residency zone; any zone when undefined. */
  readonly zone?: string;
  /** Circuit breakers for workers and regions (routing's BreakerBoard); none: always try. */
  readonly health?: CallHealth;
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
  /** How soon a region's discovery bucket is looked for again (not created yet, watch broke). */
  rewatchMs: 1000,
});

/** Where a call may go: regions in order of preference, and who hears where it went. */
export interface CallRoute {
  readonly regions: readonly string[];
  /** Told the region of the worker that accepted the call. */
  readonly onServed?: (region: string) => void;
}

export class NatsFabric implements FabricClient {
  private readonly registry: WorkerRegistry;
  private readonly watchers = new Set<QueuedIterator<KvWatchEntry>>();
  private readonly health: CallHealth;
  private readonly defaultRoute: CallRoute;
  private closed = false;
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
    private readonly options: NatsFabricOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.defaultRoute = { regions: options.regions };
    this.health = options.health ?? ALWAYS_HEALTHY;
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
    if (options.regions.length === 0) throw new VoxfleetError('INVALID_ARGUMENT', 'no region');
    for (const region of options.regions) assertSubjectToken('region', region);
    if (options.zone !== undefined) assertSubjectToken('zone', options.zone);
    await assertJetStream(options.connection);
    const fabric = new NatsFabric(options.connection, options);
    // Each region's bucket is watched on its own: one region cut off stalls only its own.
    const first = await Promise.all(options.regions.map((r) => fabric.watchRegionOnce(r)));
    options.regions.forEach((region, i) => void fabric.followRegion(region, first[i]));
    return fabric;
  }

  /**
   * The same client, with calls sent along `route` instead of the default order. Views share
   * this fabric's connection, workers and breakers; closing a view closes nothing.
   */
  routed(route: CallRoute): FabricClient {
    return {
      workers: () => this.workers(),
      models: () => this.models(),
      transcribe: (request, options) => this.transcribeVia(route, request, options),
      openStream: (request, onEvent) => this.openStreamVia(route, request, onEvent),
      synthesize: (request, signal) => this.synthesizeVia(route, request, signal),
      close: async () => undefined,
    };
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

  transcribe(
    request: FileTranscriptionRequest,
    options?: TranscribeCallOptions,
  ): Promise<FileTranscriptionResult> {
    return this.transcribeVia(this.defaultRoute, request, options);
  }

  openStream(
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
  ): Promise<StreamChannel> {
    return this.openStreamVia(this.defaultRoute, request, onEvent);
  }

  synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisStream> {
    return this.synthesizeVia(this.defaultRoute, request, signal);
  }

  private async transcribeVia(
    route: CallRoute,
    request: FileTranscriptionRequest,
    options: TranscribeCallOptions = {},
  ): Promise<FileTranscriptionResult> {
    throwIfAborted(options.signal);
    const { audio, ...meta } = request;
    let settle!: { resolve: (r: FileTranscriptionResult) => void; reject: (e: Error) => void };
    const result = new Promise<FileTranscriptionResult>(
      (resolve, reject) => (settle = { resolve, reject }),
    );
    const call = await this.open(route, 'transcribe', false, meta, {
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

  private async openStreamVia(
    route: CallRoute,
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
    const call = await this.open(route, 'stream', true, request, {
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

  private async synthesizeVia(
    route: CallRoute,
    request: SynthesisRequest,
    signal?: AbortSignal,
  ): Promise<SynthesisStream> {
    throwIfAborted(signal);
    const opened: { call?: RemoteCall } = {};
    const stop = (): void => {
      if (opened.call === undefined) return;
      opened.call.send('abort');
      this.release(opened.call);
    };
    const queue = new ChunkQueue(stop);
    const call = await this.open(route, 'synthesize', false, request, {
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
      modelVersion: accepted.modelVersion ?? '',
      chunks: queue,
    };
  }

  /** Stops following the fleet and ends every open call's subscription. */
  async close(): Promise<void> {
    this.closed = true;
    for (const watcher of this.watchers) watcher.stop();
    this.watchers.clear();
    this.registry.close();
    this.keepalive.cancel();
    const calls = [...this.callsByWorker.values()].flatMap((set) => [...set]);
    this.callsByWorker.clear();
    for (const call of calls) call.close();
  }

  /**
   * Opens a call on the best worker of the first region on the route that has one: per region,
   * its ready workers least loaded first, skipping any whose breaker is open. A worker with no
   * subscription left, or that does not accept within openTimeoutMs, is a failure: its breaker
   * hears it and the next worker is tried. A full worker (OVER_CAPACITY, SHUTTING_DOWN) is not
   * a failure; the next is tried. Any other refusal (a bad request) is the caller's answer.
   * When nothing accepts, the caller gets the most telling refusal: full, else lost, else
   * NOT_READY.
   */
  private async open(
    route: CallRoute,
    kind: CallKind,
    forStream: boolean,
    request: unknown,
    handlers: RemoteCallHandlers,
  ): Promise<RemoteCall> {
    let full: VoxfleetError | undefined;
    let lost: VoxfleetError | undefined;
    for (const region of route.regions) {
      const regionHealth = regionKey(region);
      const candidates = pickWorkerOrder(
        this.registry
          .entries()
          .filter((w) => w.announcement.region === region)
          .map((w) => ({ status: w.status, zone: w.announcement.zone })),
        forStream,
      ).filter((c) => this.health.admits(workerKey(c.status.id)));
      if (candidates.length === 0 || !this.health.tryPass(regionHealth)) continue;
      let regionFailures = 0;
      for (const { status, zone } of candidates) {
        const workerHealth = workerKey(status.id);
        if (!this.health.tryPass(workerHealth)) continue;
        const startedMs = this.clock.now();
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
          const tookMs = this.clock.now() - startedMs;
          this.health.succeeded(workerHealth, tookMs);
          this.health.succeeded(regionHealth, tookMs);
          if (accepted.data.length > 0)
            this.lastAccepted.set(call, accepted.json<Record<string, unknown>>());
          route.onServed?.(region);
          return call;
        } catch (err) {
          this.release(call);
          if (err instanceof NoResponderError || isCode(err, 'WORKER_LOST')) {
            // No responder: the call already told the registry to forget that worker.
            this.health.failed(workerHealth);
            regionFailures += 1;
            lost = err instanceof VoxfleetError ? err : workerLost(status.id);
            continue;
          }
          if (isCode(err, 'OVER_CAPACITY') || isCode(err, 'SHUTTING_DOWN')) {
            this.health.succeeded(workerHealth, this.clock.now() - startedMs);
            full = err as VoxfleetError;
            continue;
          }
          this.health.succeeded(regionHealth, 0);
          throw err;
        }
      }
      // A region where every worker tried failed is a failing region; a full one is healthy.
      if (regionFailures > 0 && full === undefined) this.health.failed(regionHealth);
      else this.health.succeeded(regionHealth, 0);
    }
    if (full !== undefined) throw full;
    if (lost !== undefined) throw lost;
    throw new VoxfleetError('NOT_READY', `no worker is ready in ${route.regions.join(', ')}`, {
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
    this.health.forget?.(workerKey(workerId));
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

  /**
   * Binds to a region's bucket and starts its watch, once. False when the bucket is not there
   * yet (no worker of the region has started) or the server did not answer.
   */
  private async watchRegionOnce(region: string): Promise<QueuedIterator<KvWatchEntry> | undefined> {
    try {
      const bucket = await bindDiscoveryBucket(this.connection, region);
      const watcher = await bucket.watch({ key: discoveryFilter(this.options.zone) });
      if (this.closed) {
        watcher.stop();
        return undefined;
      }
      this.watchers.add(watcher);
      return watcher;
    } catch {
      return undefined;
    }
  }

  /**
   * Applies a region's announcements until close(), watching again whenever the watch could
   * not start or broke. While a region cannot be watched its workers age out by their missed
   * heartbeats, so a region cut off is routed around without any special case.
   */
  private async followRegion(
    region: string,
    first: QueuedIterator<KvWatchEntry> | undefined,
  ): Promise<void> {
    let watcher = first;
    while (!this.closed) {
      watcher ??= await this.watchRegionOnce(region);
      if (watcher !== undefined) {
        try {
          await this.applyUpdates(watcher);
        } catch {
          // The watch broke (the connection closed for good, the bucket went): watch again.
        }
        this.watchers.delete(watcher);
        watcher = undefined;
      }
      if (!this.closed) await sleep(this.clock, NATS_FABRIC_DEFAULTS.rewatchMs);
    }
  }

  private async applyUpdates(watcher: QueuedIterator<KvWatchEntry>): Promise<void> {
    for await (const entry of watcher) {
      const workerId = entry.key.slice(entry.key.lastIndexOf('.') + 1);
      if (entry.operation !== 'PUT') {
        this.registry.remove(workerId);
        continue;
      }
      const announcement = parseAnnouncement(entry.value);
      if (announcement === undefined || announcement.status.id !== workerId) continue;
      if (this.options.zone !== undefined && announcement.zone !== this.options.zone) continue;
      // Entries from the initial snapshot may be old: a worker that died before this gateway
      // started must not look alive. Server time against ours: both are wall clocks.
      this.registry.upsert(announcement, Date.now() - entry.created.getTime());
    }
  }
}

function isCode(err: unknown, code: VoxfleetError['code']): boolean {
  return err instanceof VoxfleetError && err.code === code;
}

function workerLost(workerId: string): VoxfleetError {
  return new VoxfleetError('WORKER_LOST', `worker ${workerId} is gone`, {
    retryAfterMs: NATS_FABRIC_DEFAULTS.noWorkerRetryAfterMs,
  });
}

function errorEvent(err: VoxfleetError): StreamEvent {
  return { type: 'error', code: err.code, message: err.message, retryable: err.retryable };
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VoxfleetError('CANCELLED', 'request cancelled');
}
