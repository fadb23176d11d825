import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { FakeWorker } from '../testing/fake-worker.js';
import type { WorkerAnnouncement } from './wire.js';
import { WorkerRegistry } from './worker-registry.js';

const announce = (id: string, heartbeatMs = 1000): WorkerAnnouncement => ({
  status: new FakeWorker(id).status(),
  zone: 'eu',
  region: 'eu-west',
  heartbeatMs,
});

test('a worker that misses its heartbeats is dropped and reported lost; one that beats stays', () => {
  const clock = new ManualClock();
  const lost: string[] = [];
  const registry = new WorkerRegistry(clock, 3, (id) => lost.push(id), 250);
  registry.upsert(announce('a'));
  registry.upsert(announce('b'));
  for (let t = 0; t < 6; t++) {
    clock.advance(1000);
    registry.upsert(announce('b'));
  }
  assert.deepEqual(lost, ['a']);
  assert.deepEqual(
    registry.statuses().map((s) => s.id),
    ['b'],
  );
  // 'a' went between 3000 and 3250 ms: three missed periods, noticed within one sweep.
  registry.close();
  assert.equal(clock.pendingTimers(), 0);
});

test('exactly three missed periods keep a worker; the next sweep after that drops it', () => {
  const clock = new ManualClock();
  const lost: string[] = [];
  const registry = new WorkerRegistry(clock, 3, (id) => lost.push(id), 250);
  registry.upsert(announce('a', 500));
  clock.advance(1500);
  assert.deepEqual(lost, []);
  clock.advance(250);
  assert.deepEqual(lost, ['a']);
  registry.close();
});

test('an announcement already older than the deadline (a dead worker in the snapshot) is ignored', () => {
  const registry = new WorkerRegistry(new ManualClock(), 3, () => undefined, 250);
  registry.upsert(announce('dead'), 3001);
  registry.upsert(announce('alive'), 100);
  assert.deepEqual(
    registry.statuses().map((s) => s.id),
    ['alive'],
  );
  registry.close();
});

test('streams opened between heartbeats count as load until the next announcement', () => {
  const registry = new WorkerRegistry(new ManualClock(), 3, () => undefined, 250);
  registry.upsert(announce('a'));
  registry.noteStreamOpened('a');
  registry.noteStreamOpened('a');
  assert.equal(registry.statuses()[0]?.activeStreams, 2);
  registry.upsert(announce('a'));
  assert.equal(registry.statuses()[0]?.activeStreams, 0);
  registry.close();
});

test('a removed worker is reported lost once; removing an unknown one is a no-op', () => {
  const lost: string[] = [];
  const registry = new WorkerRegistry(new ManualClock(), 3, (id) => lost.push(id), 250);
  registry.upsert(announce('a'));
  registry.remove('a');
  registry.remove('a');
  registry.remove('never');
  assert.deepEqual(lost, ['a']);
  registry.close();
});
