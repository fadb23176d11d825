import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import { apiKeyDigest, parseFleetConfig } from './fleet-config.js';

const good = {
  regions: [
    { name: 'eu-west', zone: 'eu', location: { lat: 53.3, lon: -6.3 } },
    { name: 'us-east', zone: 'us', location: { lat: 39, lon: -77.5 } },
  ],
  tenants: [{ id: 'acme', zone: 'eu', keySha256: [apiKeyDigest('k1')] }],
  zones: { eu: { user: 'gw-eu', password: 'p' } },
};

function fieldOf(raw: unknown): string | undefined {
  try {
    parseFleetConfig(raw);
  } catch (err) {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'INVALID_ARGUMENT');
    return err.details.field;
  }
  return undefined;
}

test('a well-formed fleet file parses; tenants and zones default to none', () => {
  const fleet = parseFleetConfig(good);
  assert.equal(fleet.regions.length, 2);
  assert.equal(fleet.tenants[0]?.zone, 'eu');
  assert.deepEqual(parseFleetConfig({ regions: good.regions }).tenants, []);
});

test('bad files name the field that is wrong', () => {
  assert.equal(fieldOf({}), 'fleet.regions');
  assert.equal(fieldOf({ regions: [] }), 'fleet.regions');
  assert.equal(
    fieldOf({ regions: [{ name: 'eu.west', zone: 'eu', location: { lat: 0, lon: 0 } }] }),
    'fleet.regions.0.name',
  );
  assert.equal(
    fieldOf({ regions: [{ name: 'x', zone: 'eu', location: { lat: 91, lon: 0 } }] }),
    'fleet.regions.0.location.lat',
  );
  assert.equal(fieldOf({ ...good, regions: [...good.regions, good.regions[0]] }), 'fleet.regions');
  assert.equal(
    fieldOf({ ...good, tenants: [{ id: 'a', zone: 'apac', keySha256: [apiKeyDigest('x')] }] }),
    'fleet.tenants.a.zone',
  );
  assert.equal(
    fieldOf({ ...good, tenants: [{ id: 'a', keySha256: ['not-a-hash'] }] }),
    'fleet.tenants.0.keySha256.0',
  );
  assert.equal(fieldOf({ ...good, extra: 1 }), 'fleet');
});

test('a key is stored as its SHA-256, never as itself', () => {
  assert.equal(
    apiKeyDigest('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});
