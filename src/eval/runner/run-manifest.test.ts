/**
 * The runner against a minimal HTTP server on a loopback port that answers the way voxfleet's
 * REST route does (verbose_json), so ordering, concurrency, timing and failures are checked
 * without loading a model. The real server is exercised by test/eval-cli.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VoxfleetError } from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import { compileEvalConfig } from './eval-config.js';
import { evaluate } from './evaluate.js';
import { runManifest, selectItems } from './run-manifest.js';
import { fetchServedModels, findServedModel } from './server-info.js';

const dir = mkdtempSync(join(tmpdir(), 'voxfleet-eval-run-'));
let server: Server;
let url = '';
let inFlight = 0;
let maxInFlight = 0;
/** Requests seen per item id. */
const seen = new Map<string, number>();

function item(id: string, tags: string[] = []): ManifestItem {
  const audioPath = join(dir, `${id}.wav`);
  writeFileSync(audioPath, id);
  return { id, audioPath, text: `text of ${id}`, tags, line: 1 };
}

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/v1/models') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          data: [{ id: 'whisper-tiny.en', version: '1.0.0', kind: 'asr', aliases: ['whisper-1'] }],
        }),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      const id = /\n\r?\n(slow|fast\d*|broken|busyonce|busy)\r?\n/.exec(body)?.[1] ?? '?';
      seen.set(id, (seen.get(id) ?? 0) + 1);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const reply = (): void => {
        inFlight--;
        res.setHeader('content-type', 'application/json');
        if (id === 'broken') {
          res.statusCode = 500;
          res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'broken' } }));
          return;
        }
        // Refused once with a 1 ms hint, then served; 'busy' asks for longer than eval waits.
        if ((id === 'busyonce' && seen.get(id) === 1) || id === 'busy') {
          res.statusCode = 503;
          const retry = id === 'busy' ? 10 * 60_000 : 1;
          res.end(
            JSON.stringify({
              error: { code: 'OVER_CAPACITY', message: 'busy', retry_after_ms: retry },
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            text: `heard ${id}`,
            duration: 2,
            model: 'whisper-tiny.en',
            model_version: '1.0.0',
          }),
        );
      };
      // The slow item answers after the fast ones have been sent: completion order differs.
      if (id === 'slow') setImmediate(() => setImmediate(reply));
      else reply();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('selectItems keeps items with any of the tags, then the first N', () => {
  const items = [item('fast1', ['a']), item('fast2', ['b']), item('fast3', ['a', 'c'])];
  assert.deepEqual(
    selectItems(items, { tags: ['a'] }).map((i) => i.id),
    ['fast1', 'fast3'],
  );
  assert.deepEqual(
    selectItems(items, { tags: ['c', 'b'], limit: 1 }).map((i) => i.id),
    ['fast2'],
  );
  assert.equal(selectItems(items, {}).length, 3);
});

test('REST: results in manifest order, at most `concurrency` in flight, failures kept', async () => {
  const items = [item('slow'), item('fast1'), item('broken'), item('fast2'), item('fast3')];
  let tick = 0;
  const progress: number[] = [];
  maxInFlight = 0;
  const run = await runManifest(items, {
    target: { kind: 'server', baseUrl: url },
    path: 'rest',
    model: undefined,
    language: undefined,
    concurrency: 2,
    frameMs: 100,
    now: () => (tick += 10),
    onUtterance: (done) => progress.push(done),
  });
  assert.deepEqual(
    run.utterances.map((u) => u.id),
    ['slow', 'fast1', 'broken', 'fast2', 'fast3'],
  );
  assert.deepEqual(progress, [1, 2, 3, 4, 5]);
  assert.ok(maxInFlight <= 2, `max in flight ${maxInFlight}`);
  const fast = run.utterances[1]!;
  assert.equal(fast.hyp, 'heard fast1');
  assert.equal(fast.durationS, 2);
  assert.equal(fast.model, 'whisper-tiny.en');
  assert.equal(fast.modelVersion, '1.0.0');
  assert.ok(fast.latencyMs > 0 && fast.latencyMs % 10 === 0);
  const broken = run.utterances[2]!;
  assert.deepEqual(broken.error, { code: 'INTERNAL', message: 'broken' });
  assert.equal(broken.hyp, '');
  assert.ok(run.wallMs > 0);
});

test("a refusal is retried after the server's hint; one asking for too long is recorded", async () => {
  const run = await runManifest([item('busyonce'), item('busy')], {
    target: { kind: 'server', baseUrl: url },
    path: 'rest',
    model: undefined,
    language: undefined,
    concurrency: 1,
    frameMs: 100,
  });
  const [retried, refused] = run.utterances;
  assert.equal(retried?.hyp, 'heard busyonce');
  assert.equal(retried?.error, undefined);
  assert.equal(seen.get('busyonce'), 2);
  assert.equal(refused?.error?.code, 'OVER_CAPACITY');
  assert.equal(seen.get('busy'), 1, 'a 10-minute hint is past the retry budget: no wait, no retry');
});

test('GET /v1/models: served models and alias lookup; an unreachable server is NOT_READY', async () => {
  const models = await fetchServedModels(url);
  assert.equal(findServedModel(models, 'whisper-1')?.id, 'whisper-tiny.en');
  assert.equal(findServedModel(models, 'whisper-tiny.en@1.0.0')?.version, '1.0.0');
  assert.equal(findServedModel(models, 'whisper-base'), undefined);
  await assert.rejects(fetchServedModels('http://127.0.0.1:9'), { code: 'NOT_READY' });
});

test('evaluate refuses a model the server does not serve, before running anything', async () => {
  const manifest = join(dir, 'manifest.jsonl');
  writeFileSync(manifest, `${JSON.stringify({ id: 'fast1', audio: 'fast1.wav', text: 'x' })}\n`);
  for (const options of [{ model: 'whisper-large' }, { compare: 'whisper-base' }]) {
    maxInFlight = 0;
    await assert.rejects(
      evaluate(compileEvalConfig({ manifest, target: url, ...options }, {}), {
        target: { kind: 'server', baseUrl: url },
      }),
      (err: unknown) =>
        err instanceof VoxfleetError &&
        err.code === 'MODEL_NOT_FOUND' &&
        /is not served by .* \(it serves whisper-tiny\.en\)/.test(err.message),
    );
    assert.equal(maxInFlight, 0);
  }
});
