import { once } from 'node:events';
import { test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../../core/index.js';
import { spawnThread, threadEntryUrl } from './spawn-thread.js';
import { ThreadPool } from './thread-pool.js';
import { prepareSamplesToPost } from './transferable-samples.js';
import type {
  ScriptedRequest,
  ScriptedResult,
  ScriptedThreadData,
} from './testing/scripted-thread.js';

const entry = threadEntryUrl('testing/scripted-thread', import.meta.url);

function startPool(
  size: number,
  dataFor: (spawnCount: number) => ScriptedThreadData = () => ({}),
): Promise<ThreadPool<ScriptedRequest, ScriptedResult>> {
  let spawned = 0;
  return ThreadPool.start<ScriptedRequest, ScriptedResult>({
    size,
    spawn: () => spawnThread(entry, dataFor(spawned++)),
    label: 'test thread',
  });
}

/** A gate a 'hold' request blocks on until `open` is called; shared memory, no timers. */
function makeGate(): { gate: Int32Array; open: () => void } {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  return {
    gate,
    open: () => {
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
    },
  };
}

function hasCode(code: string, message?: RegExp) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof VoxfleetError, `expected a VoxfleetError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (message !== undefined) assert.match(err.message, message);
    return true;
  };
}

test('requests run on distinct threads, one at a time each; extra ones wait in FIFO order', async (t) => {
  const pool = await startPool(2);
  t.after(() => pool.close());
  assert.equal(pool.size, 2);

  const a = makeGate();
  const b = makeGate();
  const heldA = pool.run({ op: 'hold', gate: a.gate, value: 'a' });
  const heldB = pool.run({ op: 'hold', gate: b.gate, value: 'b' });
  const finished: string[] = [];
  const queued = ['q1', 'q2', 'q3'].map((value) =>
    pool.run({ op: 'echo', value }).then((r) => {
      finished.push(r.value ?? '');
      return r;
    }),
  );
  assert.deepEqual(pool.stats, { threads: 2, serving: 2, busy: 2, queued: 3, restarts: 0 });

  a.open();
  const [ra, ...rq] = await Promise.all([heldA, ...queued]);
  // Thread B is still held, so the queue drained through thread A alone, in order.
  assert.deepEqual(finished, ['q1', 'q2', 'q3']);
  for (const r of rq) assert.equal(r.threadId, ra.threadId);
  b.open();
  const rb = await heldB;
  assert.notEqual(rb.threadId, ra.threadId);
  assert.equal(pool.stats.busy, 0);
});

test('a whole Float32Array is moved to the thread (detached here); a view is copied once', async (t) => {
  const pool = await startPool(1);
  t.after(() => pool.close());

  const whole = new Float32Array([1, 2, 3, 4]);
  const posted = prepareSamplesToPost(whole);
  assert.equal(posted.samples, whole);
  const r = await pool.run({ op: 'sum', samples: posted.samples }, posted.transfer);
  assert.equal(r.sum, 10);
  assert.equal(whole.length, 0, 'the caller array is detached: it was moved, not copied');
  assert.equal(whole.buffer.byteLength, 0);

  const file = new Float32Array([1, 2, 3, 4, 5, 6]);
  const view = file.subarray(2, 4);
  const copied = prepareSamplesToPost(view);
  assert.notEqual(copied.samples.buffer, file.buffer);
  assert.equal(copied.samples.buffer.byteLength, 2 * 4, 'only the view is copied');
  const r2 = await pool.run({ op: 'sum', samples: copied.samples }, copied.transfer);
  assert.equal(r2.sum, 7);
  assert.deepEqual([...file], [1, 2, 3, 4, 5, 6], 'the larger buffer is untouched');

  const shared = new Float32Array(new SharedArrayBuffer(8));
  shared.set([2, 5]);
  const sharedPost = prepareSamplesToPost(shared);
  assert.deepEqual(sharedPost.transfer, []);
  const r3 = await pool.run({ op: 'sum', samples: sharedPost.samples }, sharedPost.transfer);
  assert.equal(r3.sum, 7);
  assert.equal(shared.length, 2, 'shared memory is neither copied nor detached');
});

test('a request that throws fails alone; the thread keeps serving', async (t) => {
  const pool = await startPool(1);
  t.after(() => pool.close());
  const first = await pool.run({ op: 'echo', value: 'x' });
  await assert.rejects(
    pool.run({ op: 'throw', message: 'bad input' }),
    hasCode('ENGINE_FAILED', /test thread 0 bad input/),
  );
  const after = await pool.run({ op: 'echo', value: 'y' });
  assert.equal(after.threadId, first.threadId);
  assert.equal(pool.stats.restarts, 0);
});

test('asynchronous loading and handlers: answers, a rejection fails alone, order is kept', async (t) => {
  const pool = await startPool(1, () => ({ asyncInit: true }));
  t.after(() => pool.close());
  const [later, rejected, echo] = await Promise.allSettled([
    pool.run({ op: 'later', value: 'slow' }),
    pool.run({ op: 'reject', message: 'async bad input' }),
    pool.run({ op: 'echo', value: 'after' }),
  ]);
  assert.equal(later.status === 'fulfilled' && later.value.value, 'slow');
  assert.equal(rejected.status, 'rejected');
  assert.ok(
    rejected.status === 'rejected' && hasCode('ENGINE_FAILED', /async bad input/)(rejected.reason),
  );
  assert.equal(echo.status === 'fulfilled' && echo.value.value, 'after');
  assert.equal(pool.stats.restarts, 0);
});

test('an asynchronous load that fails fails the start', async () => {
  await assert.rejects(
    startPool(1, () => ({ asyncInit: true, failInit: 'no such model file' })),
    /no such model file/,
  );
});

for (const [how, request, message] of [
  ['throws an uncaught error', { op: 'crash' }, /test thread 0 failed: scripted crash/],
  ['exits', { op: 'exit', code: 3 }, /test thread 0 exited \(code 3\)/],
] as const) {
  test(`a thread that ${how} mid-request fails that request and is replaced`, async (t) => {
    const pool = await startPool(1);
    t.after(() => pool.close());
    const before = await pool.run({ op: 'echo', value: 'x' });
    const crashing = pool.run(request);
    const waiting = pool.run({ op: 'echo', value: 'after' });
    await assert.rejects(crashing, hasCode('ENGINE_FAILED', message));
    const after = await waiting;
    assert.equal(after.value, 'after');
    assert.notEqual(after.threadId, before.threadId, 'served by the replacement thread');
    assert.equal(pool.stats.restarts, 1);
    assert.equal(pool.stats.serving, 1);
  });
}

test('terminateThread fails the running request, the other thread carries on', async (t) => {
  const pool = await startPool(2);
  t.after(() => pool.close());
  const a = makeGate();
  const b = makeGate();
  const onA = pool.run({ op: 'hold', gate: a.gate, value: 'a' });
  const onB = pool.run({ op: 'hold', gate: b.gate, value: 'b' });
  assert.deepEqual(
    [pool.stateOf(0), pool.stateOf(1), pool.stateOf(2)],
    ['busy', 'busy', undefined],
  );
  await pool.terminateThread(0);
  assert.equal(pool.stateOf(0), 'starting', 'a replacement is loading');
  await assert.rejects(onA, hasCode('ENGINE_FAILED', /test thread 0 exited/));
  b.open();
  assert.equal((await onB).value, 'b');
  const more = await Promise.all(['c', 'd', 'e'].map((value) => pool.run({ op: 'echo', value })));
  assert.deepEqual(
    more.map((r) => r.value),
    ['c', 'd', 'e'],
  );
  assert.equal(pool.stats.restarts, 1);
});

test('start-up fails fast when a thread cannot load, and leaves no thread running', async () => {
  await assert.rejects(
    startPool(2, (n) => (n === 1 ? { failInit: 'model missing' } : {})),
    hasCode('ENGINE_FAILED', /test thread \d could not load: model missing/),
  );
});

test('a failed start lets a thread still loading finish its load and exit by itself', async () => {
  // A terminate in the middle of a native load that throws aborts the process (see the pool's
  // module comment), so the pool asks the loading thread to close instead of terminating it.
  const slowLoad = makeGate();
  const workers: Worker[] = [];
  const starting = ThreadPool.start<ScriptedRequest, ScriptedResult>({
    size: 2,
    spawn: (index) => {
      const data = index === 0 ? { holdInit: slowLoad.gate } : { failInit: 'model missing' };
      const worker = spawnThread(entry, data);
      workers.push(worker);
      return worker;
    },
    label: 'test thread',
  });
  starting.catch(() => undefined);
  const [loading, failing] = workers as [Worker, Worker];
  const loadingExit = once(loading, 'exit');
  await once(failing, 'exit');
  // The pool has seen the failure (its handlers ran before this turn ended).
  await new Promise((resolve) => setImmediate(resolve));
  slowLoad.open();
  await assert.rejects(starting, hasCode('ENGINE_FAILED', /test thread 1 could not load/));
  assert.deepEqual(await loadingExit, [0], 'exit code 0: asked to close, not terminated (1)');
});

test('when the only replacement cannot load, waiting requests fail instead of hanging', async (t) => {
  const pool = await startPool(1, (n) => (n === 0 ? {} : { failInit: 'model gone' }));
  t.after(() => pool.close());
  const crashing = pool.run({ op: 'crash' });
  const waiting = pool.run({ op: 'echo', value: 'never' });
  await assert.rejects(crashing, hasCode('ENGINE_FAILED', /scripted crash/));
  await assert.rejects(waiting, hasCode('ENGINE_FAILED', /no test thread is running/));
  await assert.rejects(pool.run({ op: 'echo', value: 'x' }), hasCode('ENGINE_FAILED'));
});

test('close() fails running and waiting requests, then any new one', async () => {
  const pool = await startPool(1);
  const gate = makeGate();
  const running = pool.run({ op: 'hold', gate: gate.gate, value: 'r' });
  const waiting = pool.run({ op: 'echo', value: 'w' });
  let exited = false;
  const closed = pool.close().then(() => (exited = true));
  await assert.rejects(running, hasCode('SHUTTING_DOWN'));
  await assert.rejects(waiting, hasCode('SHUTTING_DOWN'));
  // The thread is asked to close, not terminated: it exits once the call in hand returns.
  assert.equal(exited, false);
  gate.open();
  await closed;
  await assert.rejects(pool.run({ op: 'echo', value: 'late' }), hasCode('SHUTTING_DOWN'));
  assert.equal(pool.stats.serving, 0);
  assert.equal(pool.close(), pool.close(), 'close() is idempotent');
});

test('threads must be a positive integer', async () => {
  await assert.rejects(startPool(0), hasCode('INVALID_ARGUMENT', /'threads' must be/));
});
