/**
 * Who is calling, and so which fabric serves the call. A gateway without a fleet file serves
 * everyone through one fabric. With one, the caller is the tenant holding the request's API
 * key (`Authorization: Bearer <key>` or `x-api-key`; only the key's SHA-256 is compared), its
 * zone comes from the fleet file, and its locality is the region it asked for
 * (`x-voxfleet-region` header or `region` query parameter) or the gateway's own. Any caller
 * may declare a priority (`x-voxfleet-priority: latency|quality`, or `priority` in the query for
 * browsers' WebSockets), which rollouts select and hold back on.
 */
import type { FastifyRequest } from 'fastify';
import { VoxfleetError, invalidArgument } from '../core/index.js';
import type { FabricClient } from '../fabric/index.js';
import { CALLER_PRIORITIES, type CallerPriority } from '../release/index.js';
import { apiKeyDigest, type Caller, type FleetConfig } from '../routing/index.js';

export type FabricForRequest = (req: FastifyRequest) => FabricClient;

export const REGION_HEADER = 'x-voxfleet-region';
export const PRIORITY_HEADER = 'x-voxfleet-priority';

/** Reads the caller of a request; throws UNAUTHENTICATED or INVALID_ARGUMENT (region). */
export function callerReader(
  fleet: FleetConfig,
  localRegion: string,
): (req: FastifyRequest) => Caller {
  const tenantByDigest = new Map(
    fleet.tenants.flatMap((t) => t.keySha256.map((digest) => [digest, t] as const)),
  );
  const regions = new Set(fleet.regions.map((r) => r.name));
  return (req) => {
    const locality = localityOf(req) ?? localRegion;
    if (!regions.has(locality)) throw invalidArgument('region', 'names no region', locality);
    const priority = priorityOf(req);
    const declared = priority !== undefined ? { priority } : {};
    if (fleet.tenants.length === 0) return { locality, ...declared };
    const key = apiKeyOf(req);
    const tenant = key === undefined ? undefined : tenantByDigest.get(apiKeyDigest(key));
    if (tenant === undefined)
      throw new VoxfleetError(
        'UNAUTHENTICATED',
        key === undefined ? 'an API key is required' : 'the API key is not valid',
      );
    return {
      tenant: tenant.id,
      locality,
      ...(tenant.zone !== undefined ? { zone: tenant.zone } : {}),
      ...(tenant.risk !== undefined ? { risk: tenant.risk } : {}),
      ...declared,
    };
  };
}

/** The priority a request declared; INVALID_ARGUMENT for anything but latency or quality. */
export function priorityOf(req: FastifyRequest): CallerPriority | undefined {
  const header = req.headers[PRIORITY_HEADER];
  const query = (req.query ?? {}) as Record<string, unknown>;
  const value = typeof header === 'string' && header !== '' ? header : query.priority;
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string' && (CALLER_PRIORITIES as readonly string[]).includes(value))
    return value as CallerPriority;
  throw invalidArgument('priority', `must be one of ${CALLER_PRIORITIES.join(', ')}`, value);
}

function apiKeyOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth)) return auth.slice(7).trim() || undefined;
  const header = req.headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header : undefined;
}

function localityOf(req: FastifyRequest): string | undefined {
  const header = req.headers[REGION_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  const query = (req.query ?? {}) as Record<string, unknown>;
  return typeof query.region === 'string' && query.region !== '' ? query.region : undefined;
}
