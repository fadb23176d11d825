import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/index.js';
import { MemoryVersionedStore, RolloutStore, rollback, startRollout } from '../release/index.js';
import { samplePlan } from '../release/testing/sample-plan.js';
import { RELEASE_SYNC_DEFAULTS, startReleaseSync } from './release-sync.js';

const TINY = 'whisper-tiny.en@1.0.0';
const BASE = 'whisper-base@1.0.0';

async function setUp(failFirst = 0) {
  const clock = new ManualClock(0);
  const store = new RolloutStore(new MemoryVersionedStore());
  const served = new Set([TINY]);
  const loads: string[] = [];
  const lines: string[] = [];
  let failures = failFirst;
  const sync = startReleaseSync({
    store,
    region: 'us-west',
    clock,
    serves: (ref) => served.has(ref),
    load: async (ref) => {
      loads.push(ref);
      if (failures-- > 0) throw new Error('sha256 mismatch in encoder.onnx');
      served.add(ref);
    },
    log: (line) => lines.push(line),
  });
  await sync.syncNow();
  return { clock, store, served, loads, lines, sync };
}

test('a rollout reaching the region has its candidate installed and loaded once; the baseline stays', async () => {
  const { store, served, loads, lines, sync } = await setUp();
  assert.deepEqual(loads, [], 'no rollout: nothing to sync');
  const plan = samplePlan();
  await startRollout(store, plan, 0, 'ops');
  await sync.syncNow();
  await sync.syncNow();
  assert.deepEqual(loads, [BASE]);
  assert.ok(served.has(TINY) && served.has(BASE));
  assert.match(lines[0] ?? '', /synced whisper-base@1\.0\.0 .*us-west.*sha256 verified/);
  await store.apply(plan.id, ({ state }) => rollback(state, 1, 'ops', 'bad'));
  await sync.syncNow();
  assert.ok(served.has(TINY), 'a rollback never unloads the baseline');
  sync.close();
});

test('a version that fails to sync is logged and tried again only after a pause', async () => {
  const { clock, store, loads, lines, sync } = await setUp(1);
  await startRollout(store, samplePlan(), 0, 'ops');
  await sync.syncNow();
  assert.match(lines[0] ?? '', /could not sync whisper-base@1\.0\.0: sha256 mismatch/);
  await sync.syncNow();
  assert.deepEqual(loads, [BASE], 'not hammered while it keeps failing');
  clock.advance(RELEASE_SYNC_DEFAULTS.retryAfterMs);
  await sync.syncNow();
  assert.deepEqual(loads, [BASE, BASE]);
  assert.match(lines.at(-1) ?? '', /synced whisper-base@1\.0\.0/);
  sync.close();
});
