/**
 * The fabric a `voxfleet gateway` serves through. Without a fleet file: the workers of its own
 * region, through one NATS connection. With one: a RegionRouter over one NatsFabric per
 * residency zone, each on a connection with that zone's credentials (so NATS permissions, not
 * just our code, keep a zone's audio on its own subjects), and per-caller clients that fail
 * streams over along the caller's region plan.
 */
import {
  NatsFabric,
  NatsVersionedKv,
  connectToNats,
  withStreamFailover,
  type FabricClient,
  type FailoverObserver,
  type NatsConnection,
  type WorkerStatus,
} from '../fabric/index.js';
import {
  RegionRouter,
  callerReader,
  type AssignmentObserver,
  type AuditEvent,
  type FabricForRequest,
} from '../gateway/index.js';
import { BreakerBoard, type Caller, type FleetConfig } from '../routing/index.js';
import { startGatewayReleases, type GatewayReleases } from './gateway-releases.js';
import { systemClock } from '../core/index.js';
import { RELEASES_BUCKET } from '../release/index.js';

export interface GatewayFabricOptions {
  readonly nats: string;
  readonly region: string;
  readonly fleet?: FleetConfig;
  readonly openTimeoutMs?: number;
  readonly missedHeartbeats?: number;
  readonly failover: FailoverObserver;
  readonly audit: (event: AuditEvent) => void;
  /** Follow rollouts in the fleet's releases bucket and pin versions by them. */
  readonly releases?: boolean;
  /** Also run a rollout controller (one acts at a time across gateways). */
  readonly releaseController?: boolean;
  readonly onAssigned?: AssignmentObserver;
}

export interface GatewayFabric {
  /** Every worker the gateway can reach: what health, models and the fleet view report. */
  readonly fabric: FabricClient;
  /** Set when the gateway follows rollouts (--releases). */
  readonly releases?: GatewayReleases;
  readonly fabricFor?: FabricForRequest;
  readonly describe: string;
  close(): Promise<void>;
}

export async function openGatewayFabric(options: GatewayFabricOptions): Promise<GatewayFabric> {
  const tuning = {
    ...(options.openTimeoutMs !== undefined ? { openTimeoutMs: options.openTimeoutMs } : {}),
    ...(options.missedHeartbeats !== undefined
      ? { missedHeartbeats: options.missedHeartbeats }
      : {}),
  };
  const name = `voxfleet-gateway-${options.region}`;
  const fleet = options.fleet;
  if (fleet === undefined) {
    const connection = await connectToNats(options.nats, name);
    const fabric = await NatsFabric.start({ connection, regions: [options.region], ...tuning });
    const releases = await followReleases(connection, options, () => fabric.workers());
    // Pinning above failover: a stream's version is chosen once, and a failover reopens it
    // with that version (never a new assignment mid-stream).
    const failover = withStreamFailover(fabric, { observer: options.failover });
    return {
      fabric: releases?.pin(failover, { region: options.region }) ?? failover,
      ...(releases !== undefined
        ? { releases, fabricFor: releases.perRequest(failover, options.region) }
        : {}),
      describe: `workers of region ${options.region}${releases ? ', following rollouts' : ''}`,
      async close() {
        releases?.close();
        await fabric.close();
        await connection.drain();
      },
    };
  }
  // One board for the whole gateway: a worker or region that keeps failing is skipped by every
  // zone's fabric and every caller alike.
  const health = new BreakerBoard(systemClock);
  const connections: NatsConnection[] = [];
  const byZone = new Map<string, NatsFabric>();
  try {
    for (const zone of new Set(fleet.regions.map((r) => r.zone))) {
      const connection = await connectToNats(options.nats, `${name}-${zone}`, fleet.zones[zone]);
      connections.push(connection);
      const regions = fleet.regions.filter((r) => r.zone === zone).map((r) => r.name);
      byZone.set(zone, await NatsFabric.start({ connection, regions, zone, health, ...tuning }));
    }
  } catch (err) {
    await Promise.all(connections.map((c) => c.close()));
    throw err;
  }
  const router = new RegionRouter({
    regions: fleet.regions,
    fabricForZone: (zone) => byZone.get(zone)!,
    audit: { record: options.audit },
  });
  const readCaller = callerReader(fleet, options.region);
  const releases =
    connections[0] === undefined
      ? undefined
      : await followReleases(connections[0], options, () =>
          [...byZone.values()].flatMap((f) => f.workers()),
        );
  const forCaller = (caller: Caller): FabricClient => {
    const failover = withStreamFailover(router.forCaller(caller), { observer: options.failover });
    return (
      releases?.pin(failover, {
        region: caller.locality,
        ...(caller.tenant !== undefined ? { tenant: caller.tenant } : {}),
        ...(caller.risk !== undefined ? { tenantRisk: caller.risk } : {}),
        ...(caller.priority !== undefined ? { priority: caller.priority } : {}),
      }) ?? failover
    );
  };
  // Health, models and the fleet view see every zone; calls always go through fabricFor.
  const everyone: FabricClient = {
    ...router.forCaller({ locality: options.region }),
    close: () => router.close(),
  };
  return {
    fabric: everyone,
    ...(releases !== undefined ? { releases } : {}),
    fabricFor: (req) => forCaller(readCaller(req)),
    describe: `${fleet.regions.length} regions in ${byZone.size} zones${releases ? ', following rollouts' : ''}`,
    async close() {
      releases?.close();
      await router.close();
      await Promise.all(connections.map((c) => c.drain()));
    },
  };
}

/** Rollouts followed (and, with a controller, judged) when the gateway was asked to. */
async function followReleases(
  connection: NatsConnection,
  options: GatewayFabricOptions,
  workers: () => readonly WorkerStatus[],
): Promise<GatewayReleases | undefined> {
  if (options.releases !== true && options.releaseController !== true) return undefined;
  return startGatewayReleases(await NatsVersionedKv.open(connection, RELEASES_BUCKET), {
    controller: options.releaseController === true,
    workers,
    ...(options.onAssigned !== undefined ? { onAssigned: options.onAssigned } : {}),
  });
}
