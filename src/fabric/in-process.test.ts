import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../core/index.js';
import type { WorkerStatus } from './contract.js';
import { InProcessFabric, pickWorkerOrder } from './in-process.js';

const status = (id: string, over: Partial<WorkerStatus> = {}): WorkerStatus => ({
  id,
  state: 'ready',
  models: [],
  activeStreams: 0,
  maxStreams: 10,
  streamCapacity: 10,
  decodesRunning: 0,
  decodesQueued: 0,
  ...over,
});

test('ready workers by load, full ones last for streams; draining workers are skipped', () => {
  const order = pickWorkerOrder(
    [
      { status: status('busy', { activeStreams: 8 }) },
      { status: status('idle') },
      { status: status('draining', { state: 'draining' }) },
      { status: status('full', { activeStreams: 10 }) },
    ],
    true,
  );
  assert.deepEqual(
    order.map((o) => o.status.id),
    ['idle', 'busy', 'full'],
  );
});

test("with only full workers the worker's own OVER_CAPACITY comes through; with none ready, NOT_READY", async () => {
  const fabric = new InProcessFabric();
  const full = status('full', { activeStreams: 10 });
  const unregister = fabric.register({
    status: () => full,
    transcribe: () => Promise.reject(new Error('unused')),
    openStream: () =>
      Promise.reject(new VoxfleetError('OVER_CAPACITY', 'full', { retryAfterMs: 2000 })),
    synthesize: () => Promise.reject(new Error('unused')),
  });
  await assert.rejects(
    fabric.openStream({} as never, () => undefined),
    { code: 'OVER_CAPACITY' },
  );
  unregister();
  await assert.rejects(
    fabric.openStream({} as never, () => undefined),
    { code: 'NOT_READY' },
  );
  await fabric.close();
});
