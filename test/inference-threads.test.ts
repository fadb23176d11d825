/**
 * Whisper on our own inference threads (src/engines/threads) against the libuv engine
 * (whisper-engine.ts, decodeAsync) on real dev utterances: same transcripts, concurrency, zero
 * copy of the audio, shutdown, and a thread that dies.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { VoxfleetError } from '../src/core/index.js';
import {
  BACKGROUND_NICE,
  createWhisperEngine,
  createWhisperThreadEngine,
  type AsrDecodeOptions,
  type AsrDecodeResult,
  type FileAsrEngine,
  type ThreadedFileAsrEngine,
  type WhisperEngineConfig,
} from '../src/engines/index.js';
import { openModelStore } from '../src/registry/index.js';
import { loadModels } from '../src/worker/index.js';
import { DEV_AUDIO, MODELS_MIRROR, TEST_DATA_DIR } from './helpers/paths.js';
import { installModels } from './helpers/test-models.js';

const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as {
  readWave(path: string, enableExternalBuffer: boolean): { samples: Float32Array };
};

const tiny = (file: string): string => join(MODELS_MIRROR, 'whisper-tiny.en', `tiny.en-${file}`);
const config: WhisperEngineConfig = {
  encoderPath: tiny('encoder.int8.onnx'),
  decoderPath: tiny('decoder.int8.onnx'),
  tokensPath: tiny('tokens.txt'),
  multilingual: false,
  tailPaddingsFinal: 3000,
  tailPaddingsPartial: -1,
  numThreads: 1,
  maxRecognizers: 4,
};

/** Short, clean dev utterances (2.6-3.4 s). */
const IDS = ['LJ001-0013', 'LJ001-0125', 'LJ002-0019'] as const;

/** A fresh copy of an utterance's 16 kHz samples, owning its whole buffer. */
function samplesOf(id: string): Float32Array {
  return sherpa.readWave(join(DEV_AUDIO, `${id}.wav`), false).samples.slice();
}

const FINAL: AsrDecodeOptions = { task: 'transcribe', pass: 'final' };
const PARTIAL: AsrDecodeOptions = { task: 'transcribe', pass: 'partial' };

let libuv: FileAsrEngine;
let threads: ThreadedFileAsrEngine;
/** What the libuv engine says for each id, final pass. */
const expected = new Map<string, AsrDecodeResult>();

before(async () => {
  [libuv, threads] = await Promise.all([
    createWhisperEngine(config),
    createWhisperThreadEngine({ ...config, threads: 2 }),
  ]);
  for (const id of IDS) expected.set(id, await libuv.decode(samplesOf(id), FINAL));
});
after(async () => {
  libuv?.close();
  await threads?.closeAndWait();
});

test('the pool transcribes a dev utterance exactly as the libuv engine does, both passes', async () => {
  assert.equal(threads.slots, 2);
  const id = IDS[0];
  const final = await threads.decode(samplesOf(id), FINAL);
  assert.deepEqual(final, expected.get(id));
  assert.match(final.text, /same operations with ugly ones/i);
  assert.equal(final.language, 'en');

  const partialLibuv = await libuv.decode(samplesOf(id), PARTIAL);
  const partial = await threads.decode(samplesOf(id), PARTIAL);
  assert.deepEqual(partial, partialLibuv);
});

test('concurrent decodes on 2 threads all complete with the right texts', async () => {
  const ids = [...IDS, ...IDS];
  const results = await Promise.all(ids.map((id) => threads.decode(samplesOf(id), FINAL)));
  results.forEach((result, k) => assert.equal(result.text, expected.get(ids[k]!)!.text));
  assert.deepEqual(
    { busy: threads.stats.busy, queued: threads.stats.queued },
    { busy: 0, queued: 0 },
  );
});

test('the input buffer is moved to the thread, not copied (detached after the call)', async () => {
  const whole = samplesOf(IDS[1]);
  assert.ok(whole.length > 16000);
  const pending = threads.decode(whole, FINAL);
  // A thread was idle, so the buffer went out with the call.
  assert.equal(whole.length, 0);
  assert.equal(whole.buffer.byteLength, 0);
  assert.equal((await pending).text, expected.get(IDS[1])!.text);

  // A view into a larger buffer is copied once; the larger buffer stays intact.
  const padded = new Float32Array(samplesOf(IDS[1]).length + 8000);
  padded.set(samplesOf(IDS[1]), 8000);
  const view = padded.subarray(8000);
  const result = await threads.decode(view, FINAL);
  assert.equal(view.length, padded.length - 8000);
  assert.equal(result.text, expected.get(IDS[1])!.text);
});

// A request that dies with its thread is the pool's logic, tested with scripted threads in
// thread-pool.test.ts: a real thread can only be ended between native calls, and a terminate that
// lands inside one (e.g. sherpa-onnx's createStream just after a decode is handed over) aborts the
// whole process. Here: the replacement loads the real model and decodes as before.
test('a thread that dies is replaced with the model reloaded, and the pool keeps working', async () => {
  const restartsBefore = threads.stats.restarts;
  // Both threads idle: the decode goes to thread 0, which cannot be ended while it is inside it.
  const onThread0 = threads.decode(samplesOf(IDS[0]), FINAL);
  await assert.rejects(threads.terminateIdleThread(0), /thread 0 is busy, not idle/);
  assert.equal((await onThread0).text, expected.get(IDS[0])!.text);

  await threads.terminateIdleThread(0);
  // The replacement is loading the model; thread 1 serves meanwhile.
  assert.deepEqual(
    { serving: threads.stats.serving, restarts: threads.stats.restarts },
    { serving: 1, restarts: restartsBefore + 1 },
  );
  assert.equal((await threads.decode(samplesOf(IDS[2]), FINAL)).text, expected.get(IDS[2])!.text);

  const again = await Promise.all(IDS.map((id) => threads.decode(samplesOf(id), FINAL)));
  again.forEach((result, k) => assert.equal(result.text, expected.get(IDS[k]!)!.text));
  assert.equal(threads.stats.restarts, restartsBefore + 1);
  assert.equal(threads.stats.serving, 2);
});

test('start-up fails fast when a thread cannot load the model', async () => {
  await assert.rejects(
    createWhisperThreadEngine({ ...config, encoderPath: tiny('missing.onnx'), threads: 2 }),
    (err: unknown) => {
      assert.ok(err instanceof VoxfleetError);
      assert.equal(err.code, 'ENGINE_FAILED');
      assert.match(err.message, /could not load/);
      return true;
    },
  );
});

test('a decode after close() rejects with SHUTTING_DOWN and leaves the input alone', async () => {
  const engine = await createWhisperThreadEngine({ ...config, threads: 1 });
  await engine.closeAndWait();
  const input = samplesOf(IDS[0]);
  await assert.rejects(engine.decode(input, FINAL), (err: unknown) => {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'SHUTTING_DOWN');
    return true;
  });
  assert.ok(input.length > 0);
});

/** Nice values of this process's threads (Linux keeps one per thread; field 19 of stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; count fields after its closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

test('background decodes run on their own lowest-priority thread, beside a busy real-time one', async () => {
  const before = threadNiceValues().filter((n) => n === BACKGROUND_NICE).length;
  const engine = await createWhisperThreadEngine({ ...config, threads: 1, backgroundThreads: 1 });
  try {
    assert.deepEqual([engine.slots, engine.backgroundSlots], [1, 1]);
    assert.equal(
      threadNiceValues().filter((n) => n === BACKGROUND_NICE).length,
      before + 1,
      'one more thread at nice 19; this one is untouched',
    );
    assert.equal(threadNiceValues()[0], 0);
    const live = engine.decode(samplesOf(IDS[0]), FINAL);
    const shadow = engine.decode(samplesOf(IDS[1]), { ...FINAL, background: true });
    // Both running at once: the background decode did not wait for the real-time thread.
    assert.deepEqual([engine.stats.busy, engine.backgroundStats?.busy], [1, 1]);
    assert.equal((await live).text, expected.get(IDS[0])!.text);
    assert.equal((await shadow).text, expected.get(IDS[1])!.text);
  } finally {
    await engine.closeAndWait();
  }
  assert.equal(threads.backgroundSlots, 0);
});

test('the model loader puts whisper on inference threads when inferenceThreads > 0', async () => {
  const refs = ['whisper-tiny.en', 'silero-vad'];
  await installModels(refs);
  const store = openModelStore(TEST_DATA_DIR);
  const loaded = await loadModels(store, refs, {
    tailPaddings: { 'whisper-tiny.en': 3000 },
    inferenceThreads: 2,
  });
  const engine = loaded.models.asr[0]!.engine as ThreadedFileAsrEngine;
  try {
    assert.equal(engine.slots, 2);
    const result = await engine.decode(samplesOf(IDS[2]), FINAL);
    assert.equal(result.text, expected.get(IDS[2])!.text);
  } finally {
    await engine.closeAndWait();
    loaded.vad.close();
  }
});

test('the onnxruntime runtime on threads: a draft goes in, the next one comes back', async () => {
  const ort = await createWhisperThreadEngine({ ...config, runtime: 'onnxruntime', threads: 1 });
  try {
    const id = IDS[0];
    const plain = await ort.decode(samplesOf(id), PARTIAL);
    assert.match(plain.text, /same operations with ugly ones/i);
    assert.ok(plain.draft !== undefined && plain.draft.tokens.length > 5);
    // The draft is the decode's own tokens: fed back, they give the same transcript.
    const drafted = await ort.decode(samplesOf(id), { ...PARTIAL, draft: plain.draft });
    assert.match(drafted.text, /same operations with ugly ones/i);
    assert.equal(drafted.language, 'en');
    // A sherpa-onnx thread takes a draft and returns none: nothing changes for it.
    const sherpaResult = await threads.decode(samplesOf(id), { ...FINAL, draft: plain.draft });
    assert.deepEqual(sherpaResult, expected.get(id));
  } finally {
    await ort.closeAndWait();
  }
});
