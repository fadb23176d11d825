import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { openModelStore } from './model-store.js';
import type { PullProgress } from './pull-options.js';
import { SHARED_MODELS_DIR, SKIP_WITHOUT_MIRROR } from './testing/paths.js';
import { createTempDirs, flipByte } from './testing/temp-dir.js';

const temp = createTempDirs('store');
after(() => temp.removeAll());
const skip = SKIP_WITHOUT_MIRROR;
const VAD_BYTES = 2327524 + 1075;

const isCode = (code: string, part?: string) => (err: unknown) => {
  assert.ok(err instanceof VoxfleetError, String(err));
  assert.equal(err.code, code, err.message);
  if (part !== undefined) assert.ok(err.message.includes(part), err.message);
  return true;
};

/** A store whose environment is empty, so a CI-wide VOXFLEET_MODEL_MIRROR cannot leak in. */
async function freshStore() {
  return openModelStore(await temp.make(), { env: {} });
}

test('opening a store touches nothing on disk', async () => {
  const dir = join(await temp.make(), 'not-yet');
  const store = openModelStore(dir, { env: {} });
  assert.deepEqual(store.list(), []);
  assert.equal(store.resolve('asr-en'), undefined);
  assert.equal(existsSync(dir), false);
});

test(
  'pull from the mirror installs, verifies, resolves by alias, and is a no-op the second time',
  { skip },
  async () => {
    const store = await freshStore();
    const events: PullProgress[] = [];
    const first = await store.pull('vad', {
      mirrorDir: SHARED_MODELS_DIR,
      onProgress: (p) => events.push(p),
    });
    assert.equal(first.outcome, 'installed');
    assert.equal(first.model.ref, 'silero-vad@1.0.0');
    assert.equal(first.model.dir, join(store.modelsDir, 'silero-vad', '1.0.0'));
    assert.equal(statSync(first.model.pathOf('silero_vad.onnx')).size, 2327524);
    assert.deepEqual(first.model.installRecord?.files, {
      'silero_vad.onnx': 'mirror',
      LICENSE: 'mirror',
    });
    const onDisk = JSON.parse(readFileSync(join(first.model.dir, 'manifest.json'), 'utf8')) as {
      name: string;
    };
    assert.equal(onDisk.name, 'silero-vad');
    assert.ok(events.every((e) => e.phase === 'copy'));
    assert.deepEqual(events.at(-1), {
      model: 'silero-vad',
      version: '1.0.0',
      phase: 'copy',
      file: 'LICENSE',
      bytesDone: VAD_BYTES,
      bytesTotal: VAD_BYTES,
      filesDone: 2,
      filesTotal: 2,
    });
    assert.deepEqual(
      await readdir(join(store.modelsDir, '.staging')),
      [],
      'staging is empty after a pull',
    );

    for (const ref of ['silero-vad', 'vad', 'silero-vad@1.0.0'])
      assert.equal(store.resolve(ref)?.ref, 'silero-vad@1.0.0', ref);
    assert.equal(store.resolve('silero-vad@2.0.0'), undefined);
    assert.equal(store.resolve('asr-en'), undefined);
    assert.deepEqual(
      store.list().map((m) => m.ref),
      ['silero-vad@1.0.0'],
    );

    const again: PullProgress[] = [];
    const second = await store.pull('silero-vad', {
      mirrorDir: SHARED_MODELS_DIR,
      onProgress: (p) => again.push(p),
    });
    assert.equal(second.outcome, 'already-installed');
    assert.ok(again.length > 0 && again.every((e) => e.phase === 'verify'));
    assert.equal(again.at(-1)?.bytesDone, VAD_BYTES);

    const loaded = await store.loadVerified('vad');
    assert.equal(loaded.ref, 'silero-vad@1.0.0');
    const engine = loaded.engineConfig();
    assert.ok(engine.kind === 'silero-vad');
    assert.equal(engine.config.sileroVad.model, join(loaded.dir, 'silero_vad.onnx'));
    assert.throws(() => loaded.pathOf('../../etc/passwd'), isCode('INVALID_ARGUMENT'));
    assert.throws(() => loaded.pathOf('other.onnx'), isCode('INVALID_ARGUMENT'));
  },
);

test('the mirror is also found through VOXFLEET_MODEL_MIRROR', { skip }, async () => {
  const store = openModelStore(await temp.make(), {
    env: { VOXFLEET_MODEL_MIRROR: SHARED_MODELS_DIR },
  });
  const { outcome } = await store.pull('silero-vad');
  assert.equal(outcome, 'installed');
});

test(
  'a flipped byte fails verify and loadVerified with MODEL_HASH_MISMATCH; pull repairs it',
  { skip },
  async () => {
    const store = await freshStore();
    const { model } = await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    await flipByte(model.pathOf('silero_vad.onnx'), 1_000_000);

    const report = await store.verify('silero-vad');
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.path, p.status]),
      [['silero_vad.onnx', 'hash-mismatch']],
    );
    assert.equal(report.files.find((f) => f.path === 'LICENSE')?.status, 'ok');
    await assert.rejects(
      store.loadVerified('vad'),
      isCode('MODEL_HASH_MISMATCH', 'silero_vad.onnx'),
    );
    await assert.rejects(store.loadVerified('vad'), (err: unknown) => {
      // Names the file and both hash prefixes.
      assert.match(
        (err as Error).message,
        /silero_vad\.onnx .*expected sha256 1a153a22f450…, got [0-9a-f]{12}…/,
      );
      return true;
    });

    const repaired = await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    assert.equal(repaired.outcome, 'reinstalled');
    assert.equal((await store.verify('silero-vad')).ok, true);
    await store.loadVerified('silero-vad');
  },
);

test('verify reports truncated, missing and unexpected files', { skip }, async () => {
  const store = await freshStore();
  const { model } = await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
  await truncate(model.pathOf('silero_vad.onnx'), 100);
  await rm(model.pathOf('LICENSE'));
  await writeFile(join(model.dir, 'extra.onnx'), 'not hashed by anyone');
  const report = await store.verify('silero-vad');
  assert.deepEqual(
    report.problems.map((p) => [p.path, p.status]),
    [
      ['silero_vad.onnx', 'size-mismatch'],
      ['LICENSE', 'missing'],
      ['extra.onnx', 'unexpected'],
    ],
  );
  await assert.rejects(
    store.loadVerified('silero-vad'),
    isCode('MODEL_HASH_MISMATCH', 'and 2 more'),
  );
});

test(
  'a corrupt mirror file is MODEL_HASH_MISMATCH and nothing is installed',
  { skip },
  async () => {
    const mirror = await temp.make();
    await mkdir(join(mirror, 'silero-vad'));
    for (const f of ['silero_vad.onnx', 'LICENSE'])
      await copyFile(join(SHARED_MODELS_DIR, 'silero-vad', f), join(mirror, 'silero-vad', f));
    await flipByte(join(mirror, 'silero-vad', 'silero_vad.onnx'), 12345);
    const store = await freshStore();
    await assert.rejects(
      store.pull('silero-vad', { mirrorDir: mirror }),
      isCode('MODEL_HASH_MISMATCH', 'expected sha256 1a153a22f450…'),
    );
    assert.deepEqual(store.list(), []);
    assert.equal(existsSync(join(store.modelsDir, 'silero-vad', '1.0.0')), false);
    assert.deepEqual(await readdir(join(store.modelsDir, '.staging')), []);
  },
);

test(
  'pull cleans staging garbage left by dead processes, and keeps that of live ones',
  { skip },
  async () => {
    const store = await freshStore();
    const staging = join(store.modelsDir, '.staging');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_') || 'host';
    const crashed = join(staging, `${dead}-0123456789abcdef-${host}`);
    const live = join(staging, `${process.pid}-fedcba9876543210-${host}`);
    await mkdir(crashed, { recursive: true });
    await mkdir(live);
    await writeFile(join(crashed, 'silero_vad.onnx'), Buffer.alloc(1000));
    await mkdir(join(staging, 'junk'));
    await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    assert.deepEqual(await readdir(staging), [live.slice(staging.length + 1)]);
  },
);

test(
  'a version folder with a broken manifest is listed as broken, and pull replaces it',
  { skip },
  async () => {
    const store = await freshStore();
    const { model } = await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    await writeFile(join(model.dir, 'manifest.json'), '{"name": "silero-vad"}');
    assert.deepEqual(store.list(), []);
    const broken = store.listBroken();
    assert.equal(broken.length, 1);
    assert.equal(broken[0]?.error.code, 'MODEL_MANIFEST_INVALID');
    await assert.rejects(
      store.loadVerified('silero-vad'),
      isCode('MODEL_NOT_INSTALLED', 'voxfleet models pull silero-vad'),
    );
    assert.equal(
      (await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR })).outcome,
      'reinstalled',
    );
    assert.deepEqual(store.listBroken(), []);
  },
);

test(
  'remove deletes by name or name@version, refuses aliases, and reports what is not installed',
  { skip },
  async () => {
    const store = await freshStore();
    await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    await assert.rejects(store.remove('vad'), isCode('MODEL_NOT_INSTALLED', 'alias of silero-vad'));
    await assert.rejects(store.remove('../../etc'), isCode('INVALID_ARGUMENT'));
    await assert.rejects(store.remove('silero-vad@..'), isCode('INVALID_ARGUMENT'));
    assert.deepEqual(await store.remove('silero-vad@1.0.0'), ['silero-vad@1.0.0']);
    assert.deepEqual(store.list(), []);
    assert.equal(existsSync(join(store.modelsDir, 'silero-vad')), false);
    await assert.rejects(store.remove('silero-vad'), isCode('MODEL_NOT_INSTALLED'));
    await assert.rejects(store.verify('silero-vad'), isCode('MODEL_NOT_INSTALLED'));
    await store.pull('silero-vad', { mirrorDir: SHARED_MODELS_DIR });
    assert.deepEqual(await store.remove('silero-vad'), ['silero-vad@1.0.0']);
    assert.deepEqual(await readdir(join(store.modelsDir, '.staging')), []);
  },
);

test('unknown names are MODEL_NOT_FOUND listing the catalog', async () => {
  const store = await freshStore();
  await assert.rejects(
    store.pull('whisper-large-v3'),
    isCode('MODEL_NOT_FOUND', 'whisper-tiny.en'),
  );
  await assert.rejects(
    store.loadVerified('whisper-large-v3'),
    isCode('MODEL_NOT_FOUND', 'silero-vad'),
  );
  await assert.rejects(
    store.loadVerified('asr-en'),
    isCode('MODEL_NOT_INSTALLED', 'whisper-tiny.en'),
  );
});

test(
  'whisper-tiny.en pulls from the mirror and loads verified with absolute engine paths',
  { skip },
  async () => {
    const store = await freshStore();
    const { model, outcome } = await store.pull('asr-en', { mirrorDir: SHARED_MODELS_DIR });
    assert.equal(outcome, 'installed');
    const t0 = performance.now();
    const loaded = await store.loadVerified('whisper-1');
    const verifyMs = performance.now() - t0;
    assert.equal(loaded.dir, model.dir);
    const engine = loaded.engineConfig();
    assert.ok(engine.kind === 'whisper');
    const { whisper, tokens } = engine.config.modelConfig;
    for (const p of [whisper.encoder, whisper.decoder, tokens])
      assert.ok(p.startsWith(model.dir) && existsSync(p), p);
    assert.equal(whisper.tailPaddings, -1);
    assert.ok(verifyMs < 5000, `re-hashing 63.7 MB took ${verifyMs.toFixed(0)} ms`);
  },
);
