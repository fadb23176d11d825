import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ManualClock, VoxfleetError } from '../core/index.js';
import { openModelStore, type ModelStore, type ModelStoreOptions } from './model-store.js';
import type { PullOptions, PullProgress } from './pull-options.js';
import { startModelServer, type ModelServer } from './testing/model-server.js';
import { SHARED_MODELS_DIR, SKIP_WITHOUT_MIRROR } from './testing/paths.js';
import { createTempDirs } from './testing/temp-dir.js';

const skip = SKIP_WITHOUT_MIRROR;
const ONNX_BYTES = 2327524;
const TOTAL_BYTES = ONNX_BYTES + 1075;
const temp = createTempDirs('pull-http');
let server: ModelServer | undefined;

before(async () => {
  if (skip === false) server = await startModelServer(SHARED_MODELS_DIR);
});
after(async () => {
  await server?.close();
  await temp.removeAll();
});

function srv(): ModelServer {
  assert.ok(server);
  return server;
}

/** A store with an empty environment (no mirror) pointed at the test server. */
async function httpStore(
  options: ModelStoreOptions = {},
): Promise<{ store: ModelStore; pull: (o?: PullOptions) => ReturnType<ModelStore['pull']> }> {
  const store = openModelStore(await temp.make(), { env: {}, ...options });
  const pull = (o: PullOptions = {}) =>
    store.pull('silero-vad', {
      registryUrl: srv().url,
      maxAttemptsPerFile: 1,
      retryBaseDelayMs: 0,
      ...o,
    });
  return { store, pull };
}

const isCode = (code: string, part?: string) => (err: unknown) => {
  assert.ok(err instanceof VoxfleetError, String(err));
  assert.equal(err.code, code, err.message);
  if (part !== undefined) assert.ok(err.message.includes(part), err.message);
  return true;
};

async function assertNothingInstalled(store: ModelStore): Promise<void> {
  assert.deepEqual(store.list(), []);
  assert.equal(existsSync(join(store.modelsDir, 'silero-vad', '1.0.0')), false);
  assert.deepEqual(await readdir(join(store.modelsDir, '.staging')), [], 'staging cleaned');
}

test(
  'pull over HTTP (no mirror): files land verified; progress is monotone and ends at the total',
  { skip },
  async () => {
    srv().setBehavior(({ file }) => (file.endsWith('LICENSE') ? 'redirect' : 'serve'));
    const before = srv().requests.length;
    const { store, pull } = await httpStore();
    const events: PullProgress[] = [];
    const result = await pull({ onProgress: (p) => events.push(p) });
    assert.equal(result.outcome, 'installed');
    assert.deepEqual(result.model.installRecord?.files, {
      'silero_vad.onnx': 'http',
      LICENSE: 'http',
    });
    assert.deepEqual(srv().requests.slice(before), [
      '/silero-vad/1.0.0/silero_vad.onnx',
      '/silero-vad/1.0.0/LICENSE',
      '/raw/silero-vad/LICENSE', // the redirect was followed
    ]);
    assert.ok(events.length > 3);
    for (let i = 1; i < events.length; i++) {
      assert.ok(
        events[i]!.bytesDone >= events[i - 1]!.bytesDone,
        `bytes go backwards at event ${i}`,
      );
      assert.ok(events[i]!.filesDone >= events[i - 1]!.filesDone);
    }
    assert.ok(
      events.every(
        (e) => e.phase === 'download' && e.bytesTotal === TOTAL_BYTES && e.filesTotal === 2,
      ),
    );
    assert.deepEqual([events.at(-1)!.bytesDone, events.at(-1)!.filesDone], [TOTAL_BYTES, 2]);
    assert.equal((await store.verify('vad')).ok, true);
  },
);

test('a mirror missing a file falls back to HTTP for that file only', { skip }, async () => {
  srv().setBehavior(() => 'serve');
  const mirror = await temp.make();
  await mkdir(join(mirror, 'silero-vad'));
  await copyFile(
    join(SHARED_MODELS_DIR, 'silero-vad', 'LICENSE'),
    join(mirror, 'silero-vad', 'LICENSE'),
  );
  const { pull } = await httpStore();
  const { model } = await pull({ mirrorDir: mirror });
  assert.deepEqual(model.installRecord?.files, { 'silero_vad.onnx': 'http', LICENSE: 'mirror' });
});

test(
  'a server that changes one byte: MODEL_HASH_MISMATCH naming the file, nothing installed',
  { skip },
  async () => {
    srv().setBehavior(({ file }) => (file.endsWith('.onnx') ? 'corrupt' : 'serve'));
    const { store, pull } = await httpStore();
    await assert.rejects(pull({ maxAttemptsPerFile: 3 }), (err: unknown) => {
      isCode('MODEL_HASH_MISMATCH', 'silero_vad.onnx')(err);
      assert.match((err as Error).message, /expected sha256 1a153a22f450…, got [0-9a-f]{12}…/);
      assert.equal((err as VoxfleetError).retryable, false);
      return true;
    });
    await assertNothingInstalled(store);
  },
);

test('HTTP 500: MODEL_DOWNLOAD_FAILED (retryable), nothing installed', { skip }, async () => {
  srv().setBehavior(({ file }) => (file.endsWith('LICENSE') ? 'error-500' : 'serve'));
  const { store, pull } = await httpStore();
  await assert.rejects(pull(), (err: unknown) => {
    isCode('MODEL_DOWNLOAD_FAILED', 'HTTP 500')(err);
    assert.equal((err as VoxfleetError).retryable, true);
    assert.ok((err as Error).message.includes('/silero-vad/1.0.0/LICENSE'));
    return true;
  });
  await assertNothingInstalled(store);
});

test(
  'the server dying mid-transfer: MODEL_DOWNLOAD_FAILED, nothing installed',
  { skip },
  async () => {
    srv().setBehavior(({ file }) => (file.endsWith('.onnx') ? 'die-midway' : 'serve'));
    const { store, pull } = await httpStore();
    await assert.rejects(pull(), isCode('MODEL_DOWNLOAD_FAILED', 'silero_vad.onnx'));
    await assertNothingInstalled(store);
  },
);

test('a transient failure is retried; a 404 is not', { skip }, async () => {
  srv().setBehavior(({ file, attempt }) =>
    file.endsWith('.onnx') && attempt === 1 ? 'die-midway' : 'serve',
  );
  const { pull } = await httpStore();
  const events: PullProgress[] = [];
  const { outcome } = await pull({ maxAttemptsPerFile: 2, onProgress: (p) => events.push(p) });
  assert.equal(outcome, 'installed');
  for (let i = 1; i < events.length; i++)
    assert.ok(events[i]!.bytesDone >= events[i - 1]!.bytesDone);

  srv().setBehavior(() => 'not-found');
  const before = srv().requests.length;
  const second = await httpStore();
  await assert.rejects(
    second.pull({ maxAttemptsPerFile: 3 }),
    isCode('MODEL_DOWNLOAD_FAILED', 'HTTP 404'),
  );
  assert.equal(srv().requests.length - before, 1, 'a 404 is not retried');
});

test(
  'an unreachable host is MODEL_DOWNLOAD_FAILED; the placeholder host gets a hint',
  { skip },
  async () => {
    const { store } = await httpStore();
    await assert.rejects(
      store.pull('silero-vad', { registryUrl: 'http://127.0.0.1:1', maxAttemptsPerFile: 1 }),
      isCode('MODEL_DOWNLOAD_FAILED', '127.0.0.1:1/silero-vad/1.0.0/silero_vad.onnx'),
    );
    const failingFetch: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    await assert.rejects(
      store.pull('silero-vad', { fetch: failingFetch, maxAttemptsPerFile: 1 }),
      isCode('MODEL_DOWNLOAD_FAILED', 'VOXFLEET_MODEL_MIRROR'),
    );
    await assertNothingInstalled(store);
  },
);

// Timeouts run on a ManualClock: the test moves time forward once the transfer is stuck, so
// nothing waits for a real timeout. `timeout` only guards against a hang if the code regresses.
test(
  'no response headers within responseTimeoutMs: MODEL_DOWNLOAD_FAILED (fake clock)',
  { skip, timeout: 20_000 },
  async () => {
    srv().setBehavior(() => 'stall-headers');
    const clock = new ManualClock();
    const { store, pull } = await httpStore({ clock });
    const arrived = srv().waitForRequest('silero_vad.onnx');
    const pulling = pull({ responseTimeoutMs: 5_000 });
    let settled = false;
    pulling.then(
      () => (settled = true),
      () => (settled = true),
    );
    await arrived; // the response timer is armed before the request is sent
    clock.advance(4_999);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'gave up before responseTimeoutMs');
    clock.advance(1);
    await assert.rejects(pulling, isCode('MODEL_DOWNLOAD_FAILED', 'no response within 5000 ms'));
    await assertNothingInstalled(store);
    assert.equal(clock.pendingTimers(), 0);
  },
);

test(
  'a transfer that stalls mid-body fails after idleTimeoutMs (fake clock)',
  { skip, timeout: 20_000 },
  async () => {
    srv().setBehavior(() => 'stall-body');
    const clock = new ManualClock();
    const { store, pull } = await httpStore({ clock });
    let reachedHalf!: () => void;
    const half = new Promise<void>((r) => (reachedHalf = r));
    const pulling = pull({
      idleTimeoutMs: 7_000,
      onProgress: (p) => {
        if (p.bytesDone >= Math.floor(ONNX_BYTES / 2)) reachedHalf();
      },
    });
    await half; // half the body arrived, then the server went silent
    clock.advance(7_000);
    await assert.rejects(pulling, isCode('MODEL_DOWNLOAD_FAILED', 'no data within 7000 ms'));
    await assertNothingInstalled(store);
    assert.equal(clock.pendingTimers(), 0);
  },
);

test(
  'aborting the signal mid-transfer rejects with CANCELLED and installs nothing',
  { skip },
  async () => {
    srv().setBehavior(() => 'stall-body');
    const { store, pull } = await httpStore();
    const controller = new AbortController();
    const pulling = pull({
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytesDone > 0) controller.abort();
      },
    });
    await assert.rejects(pulling, isCode('CANCELLED'));
    await assertNothingInstalled(store);
  },
);
