/**
 * The gateway's fabric across regions. For each caller it plans the regions that may serve it
 * (region-plan.ts: only its tenant's zone, nearest first) and sends each call along that plan,
 * so failover to the next region is the same walk as the first choice. Each zone's workers are
 * reached through that zone's own NATS connection, whose permissions allow only `vf.<zone>.>`:
 * even a bug here could not publish an `eu` tenant's audio on a `us` subject.
 *
 * When no allowed region has a healthy worker, a pinned caller gets RESIDENCY_UNAVAILABLE and
 * is never served elsewhere. Every call served outside the caller's own region, and every such
 * refusal, is reported to the audit sink (ids and region names only, never audio or text).
 */
import {
  VoxfleetError,
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
  type ModelDescriptor,
} from '../core/index.js';
import {
  readyModels,
  type CallRoute,
  type FabricClient,
  type TranscribeCallOptions,
  type WorkerStatus,
} from '../fabric/index.js';
import { planRegions, type Caller, type RegionSpec } from '../routing/index.js';

/** What the router needs of a zone's fabric: a client that follows a given route. */
export interface RoutableFabric {
  routed(route: CallRoute): FabricClient;
  workers(): readonly WorkerStatus[];
  close(): Promise<void>;
}

export type CallKindName = 'transcribe' | 'stream' | 'synthesize';

export interface AuditEvent {
  readonly event: 'served_cross_region' | 'residency_unavailable';
  readonly tenant: string | undefined;
  readonly zone: string | undefined;
  /** The caller's locality. */
  readonly from: string;
  /** The region that served the call; absent for a refusal. */
  readonly to?: string;
  readonly kind: CallKindName;
}

export interface AuditSink {
  record(event: AuditEvent): void;
}

export interface RegionRouterOptions {
  readonly regions: readonly RegionSpec[];
  /** The fabric that reaches each zone's workers; the same object may serve several zones. */
  readonly fabricForZone: (zone: string) => RoutableFabric;
  readonly audit: AuditSink;
}

/** Refusals after which the next region on the plan is tried. */
const MOVE_ON = new Set(['NOT_READY', 'WORKER_LOST', 'OVER_CAPACITY', 'SHUTTING_DOWN']);
/** A pinned caller whose zone has none of these left gets RESIDENCY_UNAVAILABLE. */
const NO_HEALTHY_CAPACITY = new Set(['NOT_READY', 'WORKER_LOST']);
const RESIDENCY_RETRY_AFTER_MS = 5000;

interface Leg {
  readonly fabric: RoutableFabric;
  readonly regions: string[];
}

export class RegionRouter {
  private readonly fabrics: RoutableFabric[];

  constructor(private readonly options: RegionRouterOptions) {
    this.fabrics = [...new Set(options.regions.map((r) => options.fabricForZone(r.zone)))];
  }

  workers(): WorkerStatus[] {
    const byId = new Map<string, WorkerStatus>();
    for (const fabric of this.fabrics) for (const w of fabric.workers()) byId.set(w.id, w);
    return [...byId.values()];
  }

  models(): ModelDescriptor[] {
    return readyModels(this.workers());
  }

  async close(): Promise<void> {
    await Promise.all(this.fabrics.map((f) => f.close()));
  }

  /** A client for one caller: every call walks the caller's plan. */
  forCaller(caller: Caller): FabricClient {
    const legs = this.legsFor(planRegions(this.options.regions, caller));
    return {
      workers: () => this.workers(),
      models: () => this.models(),
      close: async () => undefined,
      transcribe: (request, options) => this.transcribe(caller, legs, request, options),
      openStream: (request, onEvent) =>
        this.walk(caller, legs, 'stream', (client) => client.openStream(request, onEvent)),
      synthesize: (request, signal) =>
        this.walk(caller, legs, 'synthesize', (client) => client.synthesize(request, signal)),
    };
  }

  /** The plan cut into runs of regions reached through the same fabric, in plan order. */
  private legsFor(plan: readonly RegionSpec[]): Leg[] {
    const legs: Leg[] = [];
    for (const region of plan) {
      const fabric = this.options.fabricForZone(region.zone);
      const last = legs.at(-1);
      if (last !== undefined && last.fabric === fabric) last.regions.push(region.name);
      else legs.push({ fabric, regions: [region.name] });
    }
    return legs;
  }

  private transcribe(
    caller: Caller,
    legs: readonly Leg[],
    request: FileTranscriptionRequest,
    options: TranscribeCallOptions = {},
  ): Promise<FileTranscriptionResult> {
    // A file may be retried in the next region only while no segment has reached the caller.
    let delivered = false;
    const onSegment = options.onSegment;
    const tracked: TranscribeCallOptions =
      onSegment === undefined
        ? options
        : {
            ...options,
            onSegment: (segment) => {
              delivered = true;
              onSegment(segment);
            },
          };
    return this.walk(
      caller,
      legs,
      'transcribe',
      (client) => client.transcribe(request, tracked),
      () => !delivered,
    );
  }

  /**
   * Tries each leg in turn until one serves the call. Only capacity refusals move on (a bad
   * request is the caller's answer wherever it goes).
   */
  private async walk<T>(
    caller: Caller,
    legs: readonly Leg[],
    kind: CallKindName,
    call: (client: FabricClient) => Promise<T>,
    mayMoveOn: () => boolean = () => true,
  ): Promise<T> {
    let last: VoxfleetError | undefined;
    for (const leg of legs) {
      const route: CallRoute = {
        regions: leg.regions,
        onServed: (region) => {
          if (region !== caller.locality)
            this.options.audit.record({
              event: 'served_cross_region',
              tenant: caller.tenant,
              zone: caller.zone,
              from: caller.locality,
              to: region,
              kind,
            });
        },
      };
      try {
        return await call(leg.fabric.routed(route));
      } catch (err) {
        if (!(err instanceof VoxfleetError) || !MOVE_ON.has(err.code) || !mayMoveOn()) throw err;
        last = err;
      }
    }
    if (caller.zone !== undefined && (last === undefined || NO_HEALTHY_CAPACITY.has(last.code))) {
      this.options.audit.record({
        event: 'residency_unavailable',
        tenant: caller.tenant,
        zone: caller.zone,
        from: caller.locality,
        kind,
      });
      throw new VoxfleetError(
        'RESIDENCY_UNAVAILABLE',
        `no healthy worker in zone ${caller.zone}; this tenant is never served outside it`,
        { retryAfterMs: RESIDENCY_RETRY_AFTER_MS },
        { cause: last },
      );
    }
    throw (
      last ??
      new VoxfleetError('NOT_READY', 'no region can serve this caller', { retryAfterMs: 1000 })
    );
  }
}
