import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import type { CallRoute, FabricClient, StreamChannel } from '../fabric/index.js';
import type { RegionSpec } from '../routing/index.js';
import { PCM16_STREAM_REQUEST } from '../fabric/testing/stream-request.js';
import { RegionRouter, type AuditEvent, type RoutableFabric } from './region-router.js';

const regions: RegionSpec[] = [
  { name: 'eu-west', zone: 'eu', location: { lat: 53.3, lon: -6.3 } },
  { name: 'eu-central', zone: 'eu', location: { lat: 50.1, lon: 8.7 } },
  { name: 'us-east', zone: 'us', location: { lat: 39, lon: -77.5 } },
];

const request = PCM16_STREAM_REQUEST;

/**
 * A zone's fabric that serves from the regions listed in `healthy` and refuses the rest the
 * way NatsFabric does; it records every route it was asked to follow.
 */
class ZoneFabric implements RoutableFabric {
  readonly routes: string[][] = [];
  constructor(
    readonly healthy: Set<string>,
    private readonly refusal: 'NOT_READY' | 'OVER_CAPACITY' | 'INVALID_ARGUMENT' = 'NOT_READY',
  ) {}
  workers() {
    return [];
  }
  async close() {}
  routed(route: CallRoute): FabricClient {
    this.routes.push([...route.regions]);
    const serve = async (): Promise<StreamChannel> => {
      const region = route.regions.find((r) => this.healthy.has(r));
      if (region === undefined) throw new VoxfleetError(this.refusal, 'refused');
      route.onServed?.(region);
      return { pushAudio() {}, control() {}, abort() {}, done: Promise.resolve() };
    };
    return {
      workers: () => [],
      models: () => [],
      close: async () => undefined,
      openStream: serve,
      transcribe: () => Promise.reject(new Error('unused')),
      synthesize: () => Promise.reject(new Error('unused')),
    };
  }
}

function setUp(eu: ZoneFabric, us: ZoneFabric) {
  const audit: AuditEvent[] = [];
  const router = new RegionRouter({
    regions,
    fabricForZone: (zone) => (zone === 'eu' ? eu : us),
    audit: { record: (e) => audit.push(e) },
  });
  return { router, audit };
}

test('a pinned eu caller only ever reaches the eu fabric, nearest eu region first', async () => {
  const eu = new ZoneFabric(new Set(['eu-central']));
  const us = new ZoneFabric(new Set(['us-east']));
  const { router, audit } = setUp(eu, us);
  await router
    .forCaller({ tenant: 't', zone: 'eu', locality: 'us-east' })
    .openStream(request, () => {});
  assert.deepEqual(eu.routes, [['eu-west', 'eu-central']]);
  assert.deepEqual(us.routes, []);
  assert.deepEqual(audit, [
    {
      event: 'served_cross_region',
      tenant: 't',
      zone: 'eu',
      from: 'us-east',
      to: 'eu-central',
      kind: 'stream',
    },
  ]);
});

test('no healthy eu capacity: RESIDENCY_UNAVAILABLE, audited, never the us region', async () => {
  const eu = new ZoneFabric(new Set());
  const us = new ZoneFabric(new Set(['us-east']));
  const { router, audit } = setUp(eu, us);
  await assert.rejects(
    router
      .forCaller({ tenant: 't', zone: 'eu', locality: 'eu-west' })
      .openStream(request, () => {}),
    (err) => {
      assert.ok(err instanceof VoxfleetError);
      assert.equal(err.code, 'RESIDENCY_UNAVAILABLE');
      assert.ok(err.retryable);
      assert.ok((err.details.retryAfterMs ?? 0) > 0);
      return true;
    },
  );
  assert.deepEqual(us.routes, []);
  assert.equal(audit[0]?.event, 'residency_unavailable');
});

test('a full eu zone says OVER_CAPACITY, not RESIDENCY_UNAVAILABLE', async () => {
  const { router } = setUp(new ZoneFabric(new Set(), 'OVER_CAPACITY'), new ZoneFabric(new Set()));
  await assert.rejects(
    router.forCaller({ zone: 'eu', locality: 'eu-west' }).openStream(request, () => {}),
    (err) => err instanceof VoxfleetError && err.code === 'OVER_CAPACITY',
  );
});

test('an unpinned caller fails over across zones in distance order; its home region is not audited', async () => {
  const eu = new ZoneFabric(new Set(['eu-west']));
  const us = new ZoneFabric(new Set());
  const { router, audit } = setUp(eu, us);
  await router.forCaller({ locality: 'us-east' }).openStream(request, () => {});
  assert.deepEqual(us.routes, [['us-east']]);
  assert.deepEqual(eu.routes, [['eu-west', 'eu-central']]);
  assert.equal(audit.length, 1);
  eu.healthy.add('eu-central');
  await router.forCaller({ locality: 'eu-west' }).openStream(request, () => {});
  assert.equal(audit.length, 1, 'served at home: nothing to audit');
});

test('a bad request is the answer wherever it would go: no next region', async () => {
  const eu = new ZoneFabric(new Set(), 'INVALID_ARGUMENT');
  const us = new ZoneFabric(new Set(['us-east']));
  const { router } = setUp(eu, us);
  await assert.rejects(
    router.forCaller({ locality: 'eu-west' }).openStream(request, () => {}),
    (err) => err instanceof VoxfleetError && err.code === 'INVALID_ARGUMENT',
  );
  assert.deepEqual(us.routes, []);
});
