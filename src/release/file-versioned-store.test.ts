import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VoxfleetError } from '../core/index.js';
import { openFileVersionedStore } from './file-versioned-store.js';
import { controllerContract } from './testing/controller-contract.js';
import { RolloutStore } from './rollout-store.js';
import { start } from './rollout.js';
import { samplePlan } from './testing/sample-plan.js';

const folders: string[] = [];
const freshFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'vf-releases-'));
  folders.push(dir);
  return join(dir, 'state', 'releases.json');
};
test.after(() => folders.forEach((d) => rmSync(d, { recursive: true, force: true })));

controllerContract('file store', async () => openFileVersionedStore(freshFile()));

void test('a rollout, its audit log and its revisions survive reopening the file', async () => {
  const path = freshFile();
  const before = new RolloutStore(openFileVersionedStore(path));
  const plan = samplePlan();
  await before.register(plan);
  const started = await before.apply(plan.id, ({ plan: p, state }) => start(p, state, 5, 'alice'));
  const revision = (await before.read(plan.id))!.revision;

  const after = new RolloutStore(openFileVersionedStore(path));
  const read = await after.read(plan.id);
  assert.deepEqual(read?.rollout.state, started);
  assert.equal(read?.revision, revision);
  assert.deepEqual(
    (await after.list()).map((r) => r.plan.id),
    [plan.id],
  );
  // Compare-and-set still holds across the restart: a change computed before it loses.
  const stale = await after.applyOnce(plan.id, revision - 1, read.rollout, started);
  assert.equal(stale, false);
  assert.deepEqual(readdirSync(join(path, '..')), ['releases.json'], 'no temporary file left');
});

void test('a file that is not a releases file is refused with a clear error, not overwritten', () => {
  const path = freshFile();
  openFileVersionedStore(path); // creates the folder
  for (const text of ['', '{"schema":"something-else","entries":{}}', '{not json', '[]']) {
    writeFileSync(path, text);
    assert.throws(
      () => openFileVersionedStore(path),
      (err: unknown) =>
        err instanceof VoxfleetError &&
        err.code === 'INVALID_ARGUMENT' &&
        err.message.includes('not a voxfleet releases file'),
    );
  }
});
