import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { CAPACITY_RESULT_SCHEMA, type CapacityResult } from '../eval/capacity/capacity-types.js';
import { fixtureResult, fiveWordUtterances } from '../eval/testing/eval-fixtures.js';
import { attachEvalReports } from './eval-attach.js';
import { parsePlan } from '../release/index.js';
import { openModelStore } from './model-store.js';
import { publishModel } from './publish.js';
import { createTempDirs } from './testing/temp-dir.js';
import { startStaticServer } from './testing/static-server.js';
import { sha256Of, writeManifest, writeSyntheticModel } from './testing/synthetic-model.js';

const temp = createTempDirs('publish');
after(() => temp.removeAll());

const isCode = (code: string, part?: RegExp, field?: string) => (err: unknown) => {
  assert.ok(err instanceof VoxfleetError, String(err));
  assert.equal(err.code, code, err.message);
  if (part !== undefined) assert.match(err.message, part);
  if (field !== undefined) assert.equal(err.details.field, field, err.message);
  return true;
};

/** Every file under `dir` with its size, sha256 and mtime: equal snapshots mean nothing changed. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isDirectory()) await walk(abs);
      else {
        const s = await stat(abs);
        out[relative(dir, abs)] = `${s.size} ${sha256Of(await readFile(abs))} ${s.mtimeMs}`;
      }
    }
  };
  await walk(dir);
  return out;
}

async function assertNoStaging(registry: string): Promise<void> {
  const staging = join(registry, '.staging');
  if (existsSync(staging)) assert.deepEqual(await readdir(staging), [], 'staging cleaned');
}

test('publish writes the version in the layout pull reads; an identical re-publish is a no-op', async () => {
  const src = await temp.make();
  const registry = join(await temp.make(), 'registry');
  const m = await writeSyntheticModel(src);
  await writeFile(join(src, 'NOTES.txt'), 'not part of the model');

  const first = await publishModel(src, registry);
  assert.equal(first.outcome, 'published');
  assert.equal(first.ref, 'test-asr@2.0.0');
  assert.equal(first.dir, join(registry, 'test-asr', '2.0.0'));
  assert.deepEqual(first.unlisted, ['NOTES.txt']);
  for (const f of m.files as { path: string; sha256: string }[]) {
    const body = await readFile(join(registry, 'test-asr', '2.0.0', f.path));
    assert.equal(sha256Of(body), f.sha256, f.path);
  }
  assert.equal(existsSync(join(registry, 'test-asr', '2.0.0', 'NOTES.txt')), false);
  const published = JSON.parse(
    await readFile(join(registry, 'test-asr', '2.0.0', 'manifest.json'), 'utf8'),
  ) as { decode: unknown; identity: unknown };
  assert.deepEqual(published.decode, m.decode, 'the decode contract travels with the version');
  assert.deepEqual(published.identity, m.identity);
  const index = JSON.parse(await readFile(join(registry, 'index.json'), 'utf8')) as {
    catalogVersion: number;
    models: { name: string; version: string }[];
  };
  assert.equal(index.catalogVersion, 1);
  assert.deepEqual(
    index.models.map((x) => `${x.name}@${x.version}`),
    ['test-asr@2.0.0'],
  );
  await assertNoStaging(registry);

  const before = await snapshot(registry);
  const again = await publishModel(src, registry);
  assert.equal(again.outcome, 'already-published');
  assert.equal(again.manifestSha256, first.manifestSha256);
  assert.deepEqual(await snapshot(registry), before, 'nothing was written');

  // Key order and whitespace are not content.
  const reordered = Object.fromEntries(Object.entries(m).reverse());
  await writeFile(join(src, 'manifest.json'), JSON.stringify(reordered));
  assert.equal((await publishModel(src, registry)).outcome, 'already-published');

  // A second version sits beside the first, and the index lists both, newest first.
  const v21 = await temp.make();
  await writeSyntheticModel(v21, { version: '2.1.0', seed: 'b' });
  assert.equal((await publishModel(v21, registry)).outcome, 'published');
  const index2 = JSON.parse(await readFile(join(registry, 'index.json'), 'utf8')) as {
    models: { version: string }[];
  };
  assert.deepEqual(
    index2.models.map((x) => x.version),
    ['2.1.0', '2.0.0'],
  );
});

test('other content under a published name@version is VERSION_IMMUTABLE and leaves the registry unchanged', async () => {
  const registry = await temp.make();
  const src = await temp.make();
  await writeSyntheticModel(src);
  await publishModel(src, registry);
  const before = await snapshot(registry);

  // Other bytes, with a manifest that tells the truth about them.
  const changed = await temp.make();
  await writeSyntheticModel(changed, { seed: 'retrained' });
  await assert.rejects(
    publishModel(changed, registry),
    isCode('VERSION_IMMUTABLE', /test-asr@2\.0\.0 is already published.*other files/, 'version'),
  );
  const err = await publishModel(changed, registry).catch((e: unknown) => e);
  assert.ok(err instanceof VoxfleetError && err.httpStatus === 409 && !err.retryable);

  // The same weights with another decode setting are another version too.
  const retuned = await temp.make();
  await writeSyntheticModel(retuned, {
    edit: (m) => {
      m.decode.tailPaddings.file = -1;
    },
  });
  await assert.rejects(
    publishModel(retuned, registry),
    isCode('VERSION_IMMUTABLE', /same files, other settings/),
  );
  assert.deepEqual(await snapshot(registry), before);
  await assertNoStaging(registry);

  // Under a new version the same content is welcome.
  await writeSyntheticModel(retuned, {
    version: '2.0.1',
    edit: (m) => {
      m.decode.tailPaddings.file = -1;
    },
  });
  assert.equal((await publishModel(retuned, registry)).outcome, 'published');
});

test('a manifest that lies about a hash, a truncated file or a missing file publishes nothing', async () => {
  const registry = await temp.make();
  const lying = await temp.make();
  await writeSyntheticModel(lying, {
    edit: (m) => {
      m.files[1].sha256 = sha256Of('something else');
    },
  });
  await assert.rejects(
    publishModel(lying, registry),
    isCode('MODEL_HASH_MISMATCH', /tiny\.en-decoder\.int8\.onnx from source .*expected sha256/),
  );

  const truncated = await temp.make();
  const m = await writeSyntheticModel(truncated);
  await truncate(join(truncated, m.files[0].path as string), 10);
  await assert.rejects(
    publishModel(truncated, registry),
    isCode('MODEL_HASH_MISMATCH', /expected \d+ bytes .*got 10 bytes/),
  );

  const missing = await temp.make();
  await writeSyntheticModel(missing);
  await rm(join(missing, 'LICENSE'));
  await assert.rejects(publishModel(missing, registry), isCode('MODEL_HASH_MISMATCH', /missing/));

  assert.deepEqual(
    (await readdir(registry)).filter((n) => n !== '.staging'),
    [],
    'no version, no index',
  );
  await assertNoStaging(registry);
});

test('paths that leave the model folder are refused', async () => {
  const registry = await temp.make();
  const escape = await temp.make();
  await writeSyntheticModel(escape, {
    edit: (m) => {
      (m.files as unknown[]).push({ path: '../secret.bin', bytes: 3, sha256: sha256Of('abc') });
    },
  });
  await assert.rejects(
    publishModel(escape, registry),
    isCode('MODEL_MANIFEST_INVALID', /relative POSIX path/, 'files[4].path'),
  );

  // A symbolic link inside the folder that points out of it.
  const outside = await temp.make();
  const linked = await temp.make();
  const m = await writeSyntheticModel(linked);
  const target = join(outside, 'LICENSE');
  await writeFile(target, await readFile(join(linked, 'LICENSE')));
  await rm(join(linked, 'LICENSE'));
  await symlink(target, join(linked, 'LICENSE'));
  assert.equal(m.files[3].path, 'LICENSE');
  await assert.rejects(
    publishModel(linked, registry),
    isCode('INVALID_ARGUMENT', /must stay inside/, 'files[3].path'),
  );
  assert.deepEqual(
    (await readdir(registry)).filter((n) => n !== '.staging'),
    [],
  );
});

test('only schemaVersion 2 manifests are published, and rollbackTo must name a version the registry or the catalog holds', async () => {
  const registry = await temp.make();
  const v1 = await temp.make();
  await writeSyntheticModel(v1, {
    edit: (m) => {
      m.schemaVersion = 1;
      for (const f of ['identity', 'preprocessing', 'decode', 'eval', 'controls']) delete m[f];
      for (const f of ['encoding', 'channels']) delete m.inputs[f];
      for (const f of ['schema', 'timestamps', 'confidence']) delete m.outputs[f];
    },
  });
  await assert.rejects(
    publishModel(v1, registry),
    isCode('MODEL_MANIFEST_INVALID', /must be 2 to publish/, 'schemaVersion'),
  );

  const next = await temp.make();
  await writeSyntheticModel(next, {
    version: '3.0.0',
    edit: (m) => {
      m.controls.rollbackTo = 'test-asr@2.0.0';
    },
  });
  await assert.rejects(
    publishModel(next, registry),
    isCode('MODEL_MANIFEST_INVALID', /test-asr@2\.0\.0, which neither this registry nor/),
  );
  const prev = await temp.make();
  await writeSyntheticModel(prev);
  await publishModel(prev, registry);
  assert.equal((await publishModel(next, registry)).outcome, 'published');

  // A catalog version is a valid target: pull installs it without any registry.
  const fromCatalog = await temp.make();
  await writeSyntheticModel(fromCatalog, {
    version: '3.1.0',
    edit: (m) => {
      m.controls.rollbackTo = 'whisper-tiny.en@1.0.0';
    },
  });
  assert.equal((await publishModel(fromCatalog, registry)).outcome, 'published');
});

test('a rollout plan travels with the version and must move from rollbackTo to it', async () => {
  const registry = await temp.make();
  const plan = (candidate: string) => ({
    id: 'tiny-to-test',
    model: 'asr-en',
    baseline: 'whisper-tiny.en@1.0.0',
    candidate,
    steps: [
      {
        name: 'everywhere',
        kind: 'full',
        selector: { percent: 100 },
        minDurationS: 0,
        minSample: {},
        maxDurationS: 60,
      },
    ],
  });
  const withPlan = async (candidate: string, rollbackTo: string): Promise<string> => {
    const dir = await temp.make();
    const body = JSON.stringify(plan(candidate));
    await writeFile(join(dir, 'rollout.json'), body);
    await writeSyntheticModel(dir, {
      edit: (m) => {
        (m.files as unknown[]).push({
          path: 'rollout.json',
          bytes: Buffer.byteLength(body),
          sha256: sha256Of(body),
        });
        m.controls.rolloutPlan = 'rollout.json';
        m.controls.rollbackTo = rollbackTo;
      },
    });
    return dir;
  };
  const check = { checkRolloutPlan: parsePlan };
  await assert.rejects(
    publishModel(await withPlan('test-asr@9.0.0', 'whisper-tiny.en@1.0.0'), registry, check),
    isCode('MODEL_MANIFEST_INVALID', /rolls out test-asr@9\.0\.0, not test-asr@2\.0\.0/),
  );
  await assert.rejects(
    publishModel(await withPlan('test-asr@2.0.0', 'whisper-base@1.0.0'), registry, check),
    isCode('MODEL_MANIFEST_INVALID', /rolls back to whisper-tiny\.en@1\.0\.0, but/),
  );
  const bad = await withPlan('test-asr@2.0.0', 'whisper-tiny.en@1.0.0');
  const raw = JSON.parse(await readFile(join(bad, 'manifest.json'), 'utf8')) as {
    files: { path: string; bytes: number; sha256: string }[];
  };
  const broken = JSON.stringify({ ...plan('test-asr@2.0.0'), steps: [] });
  await writeFile(join(bad, 'rollout.json'), broken);
  const entry = raw.files.find((f) => f.path === 'rollout.json')!;
  entry.bytes = Buffer.byteLength(broken);
  entry.sha256 = sha256Of(broken);
  await writeManifest(bad, raw);
  await assert.rejects(
    publishModel(bad, registry, check),
    isCode('INVALID_ARGUMENT', /plan\.steps/),
  );

  const good = await withPlan('test-asr@2.0.0', 'whisper-tiny.en@1.0.0');
  assert.equal((await publishModel(good, registry, check)).outcome, 'published');
  assert.ok(existsSync(join(registry, 'test-asr', '2.0.0', 'rollout.json')));
});

test('eval summaries come from the eval and capacity reports, and a hand-edited figure is refused', async () => {
  // A report as `voxfleet eval` writes it (eval's own code builds it), for whisper-tiny.en@1.0.0.
  const result = fixtureResult(
    fiveWordUtterances(6, (i) =>
      i === 0 ? 'the quick brown box jumps' : 'the quick brown fox jumps',
    ),
  );
  const capacity: CapacityResult = {
    schema: CAPACITY_RESULT_SCHEMA,
    createdAt: '2025-01-02T03:04:05.000Z',
    model: { id: 'whisper-tiny.en', version: '1.0.0' },
    target: 'local',
    manifest: 'dev.jsonl',
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      platform: 'linux',
      arch: 'x64',
      memoryBytes: 1 << 30,
      node: 'v20.0.0',
    },
    slo: { finalP95Ms: 1500, firstPartialP95Ms: 1000, maxErrorRate: 0.01 },
    stepDurationS: 30,
    maxStreamsBound: 8,
    rows: [{ frameMs: 100, maxStreams: 4, outcome: 'found', steps: [], loadPoints: [] }],
  };
  const reports = await temp.make();
  const resultPath = join(reports, 'result.json');
  const capacityPath = join(reports, 'capacity.json');
  await writeFile(resultPath, JSON.stringify(result, null, 2));
  await writeFile(capacityPath, JSON.stringify(capacity, null, 1));

  const dir = await temp.make();
  await writeSyntheticModel(dir, { name: 'whisper-tiny.en', version: '1.0.0' });
  const m = await attachEvalReports(dir, { quality: resultPath, capacity: capacityPath });
  const q = m.eval?.quality;
  assert.ok(q);
  assert.equal(q.report, 'eval/result.json');
  assert.equal(q.schema, 'voxfleet.eval.result/1');
  const all = result.scores.spell.find((s) => s.slice === 'all');
  assert.ok(all);
  assert.deepEqual(
    q.slices.find((s) => s.slice === 'all'),
    {
      slice: 'all',
      utterances: all.utterances,
      refWords: all.refWords,
      wer: all.wer,
      cer: all.cer,
    },
  );
  assert.equal(q.latencyMs?.p95, result.summary.latencyMs?.p95);
  assert.equal(q.baseline, null);
  assert.deepEqual(m.eval?.capacity?.rows, [{ frameMs: 100, maxStreams: 4, outcome: 'found' }]);
  const listed = m.files.find((f) => f.path === 'eval/result.json');
  assert.equal(listed?.sha256, sha256Of(await readFile(resultPath)), 'the report is hash-pinned');

  const registry = await temp.make();
  assert.equal((await publishModel(dir, registry)).outcome, 'published');
  assert.ok(existsSync(join(registry, 'whisper-tiny.en', '1.0.0', 'eval', 'capacity.json')));

  // A figure typed over the derived one.
  const raw = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    eval: { quality: { slices: { wer: number }[] } };
  };
  raw.eval.quality.slices[0]!.wer = 0.01;
  await writeManifest(dir, raw);
  await assert.rejects(
    publishModel(dir, await temp.make()),
    isCode('MODEL_MANIFEST_INVALID', /not typed in/, 'eval.quality.slices[0].wer'),
  );

  // A report of another model version cannot be attached.
  const other = await temp.make();
  await writeSyntheticModel(other);
  await assert.rejects(
    attachEvalReports(other, { quality: resultPath }),
    isCode('MODEL_MANIFEST_INVALID', /measured whisper-tiny\.en@1\.0\.0, not test-asr@2\.0\.0/),
  );
  await assert.rejects(
    attachEvalReports(other, { capacity: resultPath }),
    isCode('MODEL_MANIFEST_INVALID', /not a report this voxfleet can summarise/),
  );
});

test('pull installs a published version from the registry served over HTTP, and verifies it', async () => {
  const registry = await temp.make();
  const src = await temp.make();
  const m = await writeSyntheticModel(src);
  await publishModel(src, registry);
  const server = await startStaticServer(registry);
  try {
    const store = openModelStore(await temp.make(), { env: {} });
    const pulled = await store.pull('test-asr@2.0.0', { registryUrl: server.url });
    assert.equal(pulled.outcome, 'installed');
    assert.equal(pulled.model.ref, 'test-asr@2.0.0');
    assert.deepEqual(pulled.model.manifest.decode, m.decode);
    assert.ok(server.requests.includes('/test-asr/2.0.0/manifest.json'));
    assert.ok((await store.verify('test-asr')).ok);

    // A bare name is found through index.json; the install is already there.
    const again = await store.pull('test-asr', { registryUrl: server.url });
    assert.equal(again.outcome, 'already-installed');
    assert.ok(server.requests.includes('/index.json'));

    await assert.rejects(
      store.pull('test-asr@9.9.9', { registryUrl: server.url }),
      isCode('MODEL_NOT_FOUND', /nor in the registry at http:\/\/127\.0\.0\.1/),
    );
    // Without a registry, an unknown name fails as before, naming the catalog's models.
    await assert.rejects(store.pull('test-asr@2.0.0'), isCode('MODEL_NOT_FOUND', /whisper-tiny/));

    // A registry copy damaged after publishing is caught by the pull's hashing.
    const other = openModelStore(await temp.make(), { env: {} });
    const file = join(registry, 'test-asr', '2.0.0', m.files[2].path as string);
    await writeFile(file, 'tampered');
    await assert.rejects(
      other.pull('test-asr@2.0.0', { registryUrl: server.url }),
      isCode('MODEL_HASH_MISMATCH'),
    );
    assert.deepEqual(other.list(), []);
    // And publish refuses to call that copy identical.
    await assert.rejects(publishModel(src, registry), isCode('MODEL_HASH_MISMATCH', /damaged/));
  } finally {
    await server.close();
  }
});
