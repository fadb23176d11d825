import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegionSpec } from './fleet-config.js';
import { distanceKm, planRegions } from './region-plan.js';

const region = (name: string, zone: string, lat: number, lon: number): RegionSpec => ({
  name,
  zone,
  location: { lat, lon },
});
const usEast = region('us-east', 'us', 39.0, -77.5);
const euWest = region('eu-west', 'eu', 53.3, -6.3);
const euCentral = region('eu-central', 'eu', 50.1, 8.7);
const usWest = region('us-west', 'us', 45.6, -121.2);
const regions = [usEast, euWest, euCentral, usWest];
const names = (rs: readonly RegionSpec[]): string[] => rs.map((r) => r.name);

test('great-circle distance: Dublin to Frankfurt is about 1090 km', () => {
  const km = distanceKm(euWest, euCentral);
  assert.ok(km > 1050 && km < 1130, String(km));
  assert.equal(distanceKm(euWest, euWest), 0);
});

test('an unpinned caller gets every region, nearest to its locality first', () => {
  assert.deepEqual(names(planRegions(regions, { locality: 'eu-central' })), [
    'eu-central',
    'eu-west',
    'us-east',
    'us-west',
  ]);
  assert.deepEqual(names(planRegions(regions, { locality: 'us-west' })), [
    'us-west',
    'us-east',
    'eu-west',
    'eu-central',
  ]);
});

test('a caller pinned to eu never gets a us region, even from a us locality', () => {
  assert.deepEqual(names(planRegions(regions, { locality: 'us-west', zone: 'eu' })), [
    'eu-west',
    'eu-central',
  ]);
  assert.deepEqual(planRegions(regions, { locality: 'eu-west', zone: 'apac' }), []);
});

test('an unknown locality keeps the file order of the allowed regions', () => {
  assert.deepEqual(names(planRegions(regions, { locality: 'mars', zone: 'us' })), [
    'us-east',
    'us-west',
  ]);
});
