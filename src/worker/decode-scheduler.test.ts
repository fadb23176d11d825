import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeScheduler } from './decode-scheduler.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test('finals overtake queued file work; partials are skipped when busy', async () => {
  const s = new DecodeScheduler({ concurrency: 1, maxQueued: 10 });
  const order: string[] = [];
  const g = gate();
  const first = s.run('file', async () => {
    await g.promise;
    order.push('file-1');
  });
  const second = s.run('file', async () => void order.push('file-2'));
  const final = s.run('final', async () => void order.push('final'));
  assert.equal(await s.tryRun(async () => 'partial'), undefined);
  assert.deepEqual(s.stats, { running: 1, queued: 2, concurrency: 1 });
  g.open();
  await Promise.all([first, second, final]);
  assert.deepEqual(order, ['file-1', 'final', 'file-2']);
  assert.equal(await s.tryRun(async () => 'partial'), 'partial');
});

test('a full queue refuses file work with OVER_CAPACITY but still takes finals', async () => {
  const s = new DecodeScheduler({ concurrency: 1, maxQueued: 1 });
  const g = gate();
  const running = s.run('file', () => g.promise);
  const queued = s.run('file', async () => 1);
  await assert.rejects(
    s.run('file', async () => 2),
    { code: 'OVER_CAPACITY' },
  );
  const final = s.run('final', async () => 3);
  g.open();
  assert.deepEqual(await Promise.all([running, queued, final]), [undefined, 1, 3]);
});

test('an aborted waiter leaves the queue with CANCELLED', async () => {
  const s = new DecodeScheduler({ concurrency: 1, maxQueued: 5 });
  const g = gate();
  const running = s.run('file', () => g.promise);
  const ac = new AbortController();
  const waiting = s.run('file', async () => 'ran', ac.signal);
  ac.abort();
  await assert.rejects(waiting, { code: 'CANCELLED' });
  assert.equal(s.stats.queued, 0);
  g.open();
  await running;
});
