/**
 * Serves one WorkerEndpoint over NATS: opens calls that gateways send to the worker's subjects,
 * routes their input to the call, and announces the worker in the discovery bucket every
 * heartbeat.
 *
 * Lifecycle: 'ready' -> close() -> 'draining' (announced at once, so gateways stop choosing it;
 * new calls get SHUTTING_DOWN; open calls finish) -> 'stopped' (key deleted, subscriptions
 * gone). destroy() ends every open call now with WORKER_LOST, so gateways fail streams over at
 * once instead of waiting for missed heartbeats. Neither closes the endpoint or the connection:
 * the caller composed them and stops them after the host.
 */
import type { KV } from '@nats-io/kv';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  VoxfleetError,
  systemClock,
  type Clock,
  type FileTranscriptionRequest,
  type StreamOpenRequest,
  type SynthesisRequest,
  type TimerHandle,
} from '../../core/index.js';
import type { WorkerEndpoint, WorkerStatus } from '../contract.js';
import { openDiscoveryBucket } from './discovery.js';
import {
  CALL_KINDS,
  allCallsInSubject,
  assertSubjectToken,
  callIdOf,
  discoveryKey,
  workerBase,
  type CallKind,
  type WorkerAddress,
} from './subjects.js';
import {
  CallReplies,
  StreamCall,
  SynthesizeCall,
  TranscribeCall,
  type WorkerCall,
} from './worker-calls.js';
import { inKindOf, jsonPayload, seqOf, type OpenMessage, type WorkerAnnouncement } from './wire.js';

export interface NatsWorkerHostOptions {
  readonly connection: NatsConnection;
  readonly endpoint: WorkerEndpoint;
  /** Residency zone, e.g. 'eu'; a subject token. */
  readonly zone: string;
  /** Region, e.g. 'eu-west'; a subject token. */
  readonly region: string;
  /** How often the worker announces itself (ms). */
  readonly heartbeatMs?: number;
  /** A stream whose gateway sends nothing (not even a keepalive) for this long is ended (ms). */
  readonly streamLeaseMs?: number;
  readonly clock?: Clock;
}

export const WORKER_HOST_DEFAULTS = Object.freeze({
  /** One announcement a second: a dead worker is noticed within a few seconds. */
  heartbeatMs: 1000,
  /** Four of the gateway's 5 s keepalives missed: the gateway is gone, free the stream. */
  streamLeaseMs: 20_000,
});

export type WorkerHostState = 'ready' | 'draining' | 'stopped';

export class NatsWorkerHost {
  private state: WorkerHostState = 'ready';
  private readonly calls = new Map<string, WorkerCall>();
  private readonly subscriptions: Subscription[] = [];
  private heartbeat: TimerHandle | undefined;
  private leaseSweep: TimerHandle | undefined;
  /** The sequence number each call's next input must carry (a gap means lost input). */
  private readonly nextInputSeq = new Map<string, number>();
  /** When each leased call last heard from its gateway. */
  private readonly lastHeardMs = new Map<string, number>();
  private readonly streamLeaseMs: number;
  private closing: Promise<void> | undefined;
  readonly address: WorkerAddress;
  readonly heartbeatMs: number;
  private readonly clock: Clock;
  private readonly connection: NatsConnection;
  private readonly endpoint: WorkerEndpoint;

  private constructor(
    options: NatsWorkerHostOptions,
    private readonly bucket: KV,
  ) {
    this.connection = options.connection;
    this.endpoint = options.endpoint;
    this.clock = options.clock ?? systemClock;
    this.heartbeatMs = options.heartbeatMs ?? WORKER_HOST_DEFAULTS.heartbeatMs;
    this.streamLeaseMs = options.streamLeaseMs ?? WORKER_HOST_DEFAULTS.streamLeaseMs;
    this.address = {
      zone: assertSubjectToken('zone', options.zone),
      region: assertSubjectToken('region', options.region),
      workerId: assertSubjectToken('worker id', options.endpoint.status().id),
    };
  }

  /** Subscribes, announces the worker once, then keeps announcing every heartbeat. */
  static async start(options: NatsWorkerHostOptions): Promise<NatsWorkerHost> {
    const host = new NatsWorkerHost(
      options,
      await openDiscoveryBucket(options.connection, options.region),
    );
    host.subscribe();
    // The subscriptions must reach the server before any gateway learns of this worker.
    await options.connection.flush();
    await host.announce();
    host.heartbeat = host.clock.setInterval(() => void host.announce(), host.heartbeatMs);
    host.leaseSweep = host.clock.setInterval(
      () => host.endExpiredLeases(),
      Math.max(1, host.streamLeaseMs / 4),
    );
    return host;
  }

  get hostState(): WorkerHostState {
    return this.state;
  }

  get openCalls(): number {
    return this.calls.size;
  }

  /** The endpoint's status, as draining while the host drains. */
  status(): WorkerStatus {
    const status = this.endpoint.status();
    return this.state === 'ready' ? status : { ...status, state: 'draining' };
  }

  /** Writes this worker's announcement now (also called every heartbeat). */
  async announce(): Promise<void> {
    if (this.state === 'stopped') return;
    const announcement: WorkerAnnouncement = {
      status: this.status(),
      zone: this.address.zone,
      region: this.address.region,
      heartbeatMs: this.heartbeatMs,
    };
    try {
      await this.bucket.put(discoveryKey(this.address), jsonPayload(announcement));
    } catch {
      // The server is away (reconnecting): the next heartbeat tries again.
    }
  }

  /** Drains: no new calls, open ones finish, then the worker leaves discovery. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'draining';
      await this.announce();
      await Promise.all([...this.calls.values()].map((c) => c.done));
      await this.stop();
    })();
    return this.closing;
  }

  /** Stops now: every open call ends with WORKER_LOST so gateways fail over at once. */
  async destroy(): Promise<void> {
    for (const call of this.calls.values())
      call.abort(new VoxfleetError('WORKER_LOST', 'the worker was stopped'));
    this.calls.clear();
    await this.stop();
  }

  private async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.heartbeat?.cancel();
    this.leaseSweep?.cancel();
    for (const s of this.subscriptions) s.unsubscribe();
    try {
      await this.bucket.delete(discoveryKey(this.address));
    } catch {
      // Unreachable server: gateways drop this worker by its missed heartbeats instead.
    }
  }

  private subscribe(): void {
    const base = workerBase(this.address);
    this.subscriptions.push(
      this.connection.subscribe(`${base}.*`, {
        callback: (err, msg) => {
          if (err === null) this.onOpen(msg);
        },
      }),
      this.connection.subscribe(allCallsInSubject(this.address), {
        callback: (err, msg) => {
          if (err === null) this.onInput(msg);
        },
      }),
    );
  }

  private onOpen(msg: Msg): void {
    const kind = msg.subject.slice(msg.subject.lastIndexOf('.') + 1) as CallKind;
    if (!CALL_KINDS.includes(kind) || msg.reply === undefined) return;
    const replies = new CallReplies(this.connection, msg.reply);
    let open: OpenMessage<unknown>;
    try {
      open = msg.json<OpenMessage<unknown>>();
      assertSubjectToken('call id', open.callId);
    } catch {
      replies.fail(new VoxfleetError('PROTOCOL_VIOLATION', 'malformed call'));
      return;
    }
    if (this.state !== 'ready') {
      replies.fail(
        new VoxfleetError('SHUTTING_DOWN', 'this worker is draining', { retryAfterMs: 1000 }),
      );
      return;
    }
    const call = this.startCall(kind, open.request, replies);
    this.calls.set(open.callId, call);
    this.nextInputSeq.set(open.callId, 1);
    if (call.leased) this.lastHeardMs.set(open.callId, this.clock.now());
    void call.done.then(() => {
      this.calls.delete(open.callId);
      this.nextInputSeq.delete(open.callId);
      this.lastHeardMs.delete(open.callId);
    });
  }

  private endExpiredLeases(): void {
    const now = this.clock.now();
    for (const [callId, heardMs] of this.lastHeardMs) {
      if (now - heardMs <= this.streamLeaseMs) continue;
      this.lastHeardMs.delete(callId);
      this.calls
        .get(callId)
        ?.abort(new VoxfleetError('CANCELLED', 'the gateway stopped sending keepalives'));
    }
  }

  private startCall(kind: CallKind, request: unknown, replies: CallReplies): WorkerCall {
    switch (kind) {
      case 'transcribe':
        return new TranscribeCall(
          this.endpoint,
          request as Omit<FileTranscriptionRequest, 'audio'>,
          replies,
        );
      case 'stream':
        return new StreamCall(this.endpoint, request as StreamOpenRequest, replies);
      case 'synthesize':
        return new SynthesizeCall(this.endpoint, request as SynthesisRequest, replies);
    }
  }

  private onInput(msg: Msg): void {
    const callId = callIdOf(msg.subject);
    const kind = inKindOf(msg);
    if (callId === undefined || kind === undefined) return;
    // Input for a call that has ended (or never began here) is dropped: the gateway learns the
    // call's fate from its `.out` subject.
    const call = this.calls.get(callId);
    if (call === undefined) return;
    const expected = this.nextInputSeq.get(callId) ?? 1;
    if (seqOf(msg) !== expected) {
      // A frame missing from the middle would corrupt the transcript silently: end the call.
      call.abort(new VoxfleetError('INTERNAL', 'input from the gateway was lost in transit'));
      return;
    }
    this.nextInputSeq.set(callId, expected + 1);
    if (this.lastHeardMs.has(callId)) this.lastHeardMs.set(callId, this.clock.now());
    call.receive(kind, msg);
  }
}
