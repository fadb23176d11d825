/**
 * The engine path's own logic with a scripted in-process transcriber standing in for the worker
 * (the real worker and model are exercised by test/eval-engine.test.ts): the request it builds,
 * what it records, its deadline, and evaluate() on an in-process target.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ManualClock,
  VoxfleetError,
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
} from '../../core/index.js';
import { parseEvalResult } from '../report/result-schema.js';
import { compileEvalConfig } from './eval-config.js';
import type { InProcessTranscriber } from './eval-target.js';
import { evaluate } from './evaluate.js';
import { runManifest } from './run-manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'voxfleet-eval-engine-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Call {
  readonly request: FileTranscriptionRequest;
  readonly signal: AbortSignal;
}

/** Answers 'heard <file content>' at once, except for audio 'stuck', which never answers. */
function scriptedTranscriber(calls: Call[]): InProcessTranscriber {
  return {
    models: [{ id: 'whisper-tiny.en', version: '1.0.0', kind: 'asr', aliases: ['whisper-1'] }],
    description: 'in-process engine (test)',
    transcribe(request, { signal }) {
      calls.push({ request, signal });
      const content = Buffer.from(request.audio).toString('utf8');
      if (content === 'stuck') return new Promise<FileTranscriptionResult>(() => undefined);
      return Promise.resolve({
        model: 'whisper-tiny.en',
        modelVersion: '1.0.0',
        language: 'en',
        durationS: 4,
        text: `heard ${content}`,
        segments: [],
      });
    },
  };
}

function writeItems(ids: readonly string[]): string {
  const manifest = join(dir, 'manifest.jsonl');
  const lines = ids.map((id) => {
    writeFileSync(join(dir, `${id}.wav`), id);
    return JSON.stringify({ id, audio: `${id}.wav`, text: `heard ${id}`, tags: ['t'] });
  });
  writeFileSync(manifest, `${lines.join('\n')}\n`);
  return manifest;
}

test('engine path: the file as is, model and language as REST would send them; timed by `now`', async () => {
  writeItems(['a']);
  const calls: Call[] = [];
  let tick = 0;
  const run = await runManifest(
    [
      {
        id: 'a',
        audioPath: join(dir, 'a.wav'),
        text: 'heard a',
        tags: [],
        line: 1,
        language: 'en',
      },
    ],
    {
      target: { kind: 'in-process', transcriber: scriptedTranscriber(calls) },
      path: 'engine',
      model: 'whisper-tiny.en',
      language: undefined,
      concurrency: 1,
      frameMs: 100,
      now: () => (tick += 25),
    },
  );
  assert.equal(calls.length, 1);
  const { request } = calls[0]!;
  assert.equal(request.task, 'transcribe');
  assert.equal(request.model, 'whisper-tiny.en');
  assert.equal(request.language, 'en');
  assert.equal(Buffer.from(request.audio).toString('utf8'), 'a');
  const u = run.utterances[0]!;
  assert.equal(u.hyp, 'heard a');
  assert.equal(u.durationS, 4);
  assert.equal(u.latencyMs, 25);
  assert.equal(u.model, 'whisper-tiny.en');
  assert.equal(u.modelVersion, '1.0.0');
  assert.equal(u.error, undefined);
});

test('engine path: a stuck transcription times out, its signal is aborted, the run goes on', async () => {
  writeItems(['stuck', 'b']);
  const calls: Call[] = [];
  const clock = new ManualClock();
  const item = (id: string) => ({
    id,
    audioPath: join(dir, `${id}.wav`),
    text: `heard ${id}`,
    tags: [],
    line: 1,
  });
  const running = runManifest([item('stuck'), item('b')], {
    target: { kind: 'in-process', transcriber: scriptedTranscriber(calls) },
    path: 'engine',
    model: undefined,
    language: undefined,
    concurrency: 1,
    frameMs: 100,
    timeoutS: 30,
    clock,
  });
  while (calls.length === 0) await new Promise((r) => setImmediate(r));
  clock.advance(30_000);
  const run = await running;
  assert.equal(run.utterances[0]!.error?.code, 'REQUEST_TIMEOUT');
  assert.equal(calls[0]!.signal.aborted, true);
  assert.equal(run.utterances[1]!.hyp, 'heard b');
  assert.equal(clock.pendingTimers(), 0);
});

test('evaluate on an in-process target: served models from the transcriber, a valid result', async () => {
  const manifest = writeItems(['c', 'd']);
  const config = compileEvalConfig({ manifest, path: 'engine', model: 'whisper-1' }, {});
  const { result } = await evaluate(config, {
    target: { kind: 'in-process', transcriber: scriptedTranscriber([]) },
  });
  assert.equal(result.config.path, 'engine');
  assert.equal(result.config.target, 'local');
  assert.equal(result.config.url, 'in-process engine (test)');
  assert.equal(result.config.timeoutS, null);
  assert.equal(result.served.model, 'whisper-tiny.en');
  assert.deepEqual(result.served.models, [
    { id: 'whisper-tiny.en', version: '1.0.0', kind: 'asr' },
  ]);
  assert.equal(result.summary.failed, 0);
  assert.equal(result.summary.timedOut, 0);
  assert.equal(result.scores.spell[0]!.wer, 0);
  assert.deepEqual(parseEvalResult(JSON.parse(JSON.stringify(result))), result);
});

test('evaluate refuses a model the in-process engine has not loaded, and a path/target mismatch', async () => {
  const manifest = writeItems(['e']);
  const target = { kind: 'in-process', transcriber: scriptedTranscriber([]) } as const;
  await assert.rejects(
    evaluate(compileEvalConfig({ manifest, path: 'engine', model: 'whisper-base' }, {}), {
      target,
    }),
    (err: unknown) =>
      err instanceof VoxfleetError &&
      err.code === 'MODEL_NOT_FOUND' &&
      /not served by in-process engine \(test\)/.test(err.message),
  );
  await assert.rejects(evaluate(compileEvalConfig({ manifest, path: 'rest' }, {}), { target }), {
    code: 'INTERNAL',
  });
});
