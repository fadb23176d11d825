/**
 * Which regions may serve a caller, nearest first. Residency is decided here and only here:
 * a caller pinned to a zone gets that zone's regions and nothing else, so no later fallback
 * can reach outside it. Distance is great-circle distance between region locations; the
 * caller's locality is a region (the one it asked for, or the one whose gateway it reached).
 */
import type { RegionSpec } from './fleet-config.js';

export interface Caller {
  /** The tenant, for audit records; undefined for an anonymous caller. */
  readonly tenant?: string;
  /** The only zone that may serve this caller; undefined: any zone. */
  readonly zone?: string;
  /** The region the caller is nearest to. */
  readonly locality: string;
  /** The tenant's risk tier from the fleet file (release canaries select on it). */
  readonly risk?: 'low' | 'medium' | 'high';
  /** What the caller declared it cares about most (release steps select and hold back on it). */
  readonly priority?: 'latency' | 'quality';
}

const EARTH_RADIUS_KM = 6371;

/** Allowed regions, nearest to the caller's locality first (ties keep the file's order). */
export function planRegions(regions: readonly RegionSpec[], caller: Caller): RegionSpec[] {
  const home = regions.find((r) => r.name === caller.locality);
  const allowed = regions.filter((r) => caller.zone === undefined || r.zone === caller.zone);
  if (home === undefined) return allowed;
  return allowed
    .map((region, index) => ({ region, index, km: distanceKm(home, region) }))
    .sort((a, b) => a.km - b.km || a.index - b.index)
    .map((r) => r.region);
}

export function distanceKm(a: RegionSpec, b: RegionSpec): number {
  const rad = Math.PI / 180;
  const dLat = (b.location.lat - a.location.lat) * rad;
  const dLon = (b.location.lon - a.location.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.location.lat * rad) * Math.cos(b.location.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
