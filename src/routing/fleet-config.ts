/**
 * The fleet file a multi-region gateway reads (`voxfleet gateway --fleet fleet.json`): the
 * regions with their residency zone and location, the tenants with the zone they are pinned
 * to and the SHA-256 of their API keys, and per zone the NATS credentials whose subject
 * permissions reach only that zone's workers. Validated once at start; a bad file is a clear
 * INVALID_ARGUMENT naming the field, never a half-configured gateway.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { VoxfleetError, invalidArgument } from '../core/index.js';

const token = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');

const regionSchema = z
  .object({
    name: token,
    zone: token,
    /** Where the region's machines are, for "nearest region" (degrees). */
    location: z
      .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
      .strict(),
  })
  .strict();

const tenantSchema = z
  .object({
    id: token,
    /** The zone whose workers alone may serve this tenant; absent: any region. */
    zone: token.optional(),
    /** Release plans can limit a canary to low-risk tenants. */
    risk: z.enum(['low', 'medium', 'high']).optional(),
    /** Hex SHA-256 of each API key: the file never holds a usable key. */
    keySha256: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256')).min(1),
  })
  .strict();

const zoneAccessSchema = z
  .object({
    /** NATS user and password whose permissions allow only `vf.<zone>.>` (see docs/regions.md). */
    user: z.string().min(1),
    password: z.string().min(1),
  })
  .strict();

const fleetSchema = z
  .object({
    regions: z.array(regionSchema).min(1),
    tenants: z.array(tenantSchema).default([]),
    zones: z.record(token, zoneAccessSchema).default({}),
  })
  .strict();

export type RegionSpec = z.infer<typeof regionSchema>;
export type TenantSpec = z.infer<typeof tenantSchema>;
export type ZoneAccess = z.infer<typeof zoneAccessSchema>;

export interface FleetConfig {
  readonly regions: readonly RegionSpec[];
  readonly tenants: readonly TenantSpec[];
  readonly zones: Readonly<Record<string, ZoneAccess>>;
}

export function parseFleetConfig(raw: unknown): FleetConfig {
  const parsed = fleetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? 'fleet' : ['fleet', ...issue.path].join('.');
    throw invalidArgument(field, issue?.message ?? 'is invalid');
  }
  const fleet = parsed.data;
  assertUnique(
    'fleet.regions',
    fleet.regions.map((r) => r.name),
  );
  assertUnique(
    'fleet.tenants',
    fleet.tenants.map((t) => t.id),
  );
  assertUnique(
    'fleet.tenants.keySha256',
    fleet.tenants.flatMap((t) => t.keySha256),
  );
  const zones = new Set(fleet.regions.map((r) => r.zone));
  for (const tenant of fleet.tenants)
    if (tenant.zone !== undefined && !zones.has(tenant.zone))
      throw invalidArgument(`fleet.tenants.${tenant.id}.zone`, 'names no region', tenant.zone);
  return fleet;
}

export function loadFleetConfig(path: string): FleetConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VoxfleetError('NOT_FOUND', `cannot read the fleet file ${path}`, {}, { cause: err });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      `the fleet file ${path} is not JSON`,
      { field: 'fleet' },
      { cause: err },
    );
  }
  return parseFleetConfig(raw);
}

/** What goes in `keySha256` for a key: `voxfleet` never stores the key itself. */
export function apiKeyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function assertUnique(field: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw invalidArgument(field, 'must not repeat', v);
    seen.add(v);
  }
}
