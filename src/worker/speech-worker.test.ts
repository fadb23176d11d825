import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, type StreamEvent } from '../core/index.js';
import { EnergyVad, FakeAsrEngine } from '../engines/testing/fake-engines.js';
import { ModelSet, type LoadedAsrModel } from './model-set.js';
import type { AsrModelSettings } from './model-settings.js';
import { ALL_POSTPROCESS_STEPS } from './transcript-cleanup.js';
import { SpeechWorker, type WorkerConfig } from './speech-worker.js';

const config: WorkerConfig = {
  id: 'wrk_test',
  decodeConcurrency: 1,
  batchSlots: 1,
  maxQueuedDecodes: 8,
  maxStreams: 2,
  admission: {
    targetUtilisation: 0.7,
    maxFinalWaitMs: 250,
    maxFirstPartialWaitMs: 200,
    maxFirstPartialLatencyMs: 300,
    minEvidenceStreamS: 30,
    retryAfterMs: 2000,
  },
  limits: { maxDurationS: 60, maxChannels: 2 },
  maxTtsInputChars: 100,
};

const settings: AsrModelSettings = {
  file: {
    vad: { threshold: 0.5, minSpeechMs: 100, minSilenceMs: 300, maxSpeechMs: 20_000 },
    chunking: { maxChunkS: 25, maxGapS: 1.5, padS: 0.1 },
  },
  streaming: {
    partialEveryMs: 200,
    firstPartialEveryMs: 200,
    maxUtteranceMs: 20_000,
    commitLongAfterMs: 20_000,
    padMs: 100,
    phraseGapMs: 100,
    vad: { threshold: 0.5, minSpeechMs: 100 },
  },
  postprocess: ALL_POSTPROCESS_STEPS,
};

/** Version `version` of the English fake model, answering to `asr-en`. */
const fakeEnglish = (version: string, engine: FakeAsrEngine): LoadedAsrModel => ({
  descriptor: {
    name: 'fake-en',
    version,
    kind: 'asr',
    languages: ['en'],
    sampleRateHz: 16000,
    capabilities: ['transcribe', 'stream'],
    aliases: ['asr-en'],
  },
  engine,
  settings,
});

function worker(overrides: Partial<WorkerConfig> = {}): { w: SpeechWorker; engine: FakeAsrEngine } {
  const engine = new FakeAsrEngine();
  const models = new ModelSet([fakeEnglish('1.0.0', engine)], []);
  return {
    w: new SpeechWorker(
      { models, vad: new EnergyVad(), clock: new ManualClock() },
      { ...config, ...overrides },
    ),
    engine,
  };
}

const speech = (ms: number): Uint8Array => {
  const out = new Int16Array((ms / 1000) * 16000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.sin(i / 5) * 16000);
  return new Uint8Array(out.buffer);
};

const request = {
  sessionId: 's',
  encoding: 'pcm_s16le' as const,
  sampleRateHz: 16000,
  interimResults: true,
  endpointingMs: 300,
};

test('close() drains: open streams send their last final and closed; new work is refused', async () => {
  const { w } = worker();
  const events: StreamEvent[] = [];
  const channel = await w.openStream(request, (e) => events.push(e));
  channel.pushAudio(speech(600));
  assert.equal(w.status().activeStreams, 1);
  await w.close();
  assert.deepEqual(
    events.slice(-3).map((e) => e.type),
    ['final', 'utterance_end', 'closed'],
  );
  assert.equal(w.status().state, 'stopped');
  assert.equal(w.status().activeStreams, 0);
  await assert.rejects(
    w.openStream(request, () => undefined),
    { code: 'SHUTTING_DOWN' },
  );
});

test("the worker's speculateAfterMs reaches every stream: a pause shorter than it costs no decode", async () => {
  const finalDecodes = async (overrides: Partial<WorkerConfig>): Promise<number> => {
    const { w, engine } = worker(overrides);
    const channel = await w.openStream(request, () => undefined);
    // A 200 ms pause closes a phrase (100 ms), not the utterance (300 ms endpointing).
    const audio = [speech(500), new Uint8Array(6400), speech(500), new Uint8Array(12800)];
    for (const part of audio) {
      // 40 ms frames, letting decodes start between them as a real socket would.
      for (let off = 0; off < part.length; off += 1280) {
        channel.pushAudio(part.subarray(off, off + 1280));
        await new Promise((r) => setImmediate(r));
      }
    }
    await w.close();
    return engine.calls.filter((c) => c.options.pass === 'live_final').length;
  };
  assert.equal(await finalDecodes({}), 2, 'by default the pause starts a speculation, wasted');
  assert.equal(await finalDecodes({ speculateAfterMs: 250 }), 1, 'only the final is decoded');
});

test('destroy() aborts at once: nothing more is sent', async () => {
  const { w } = worker();
  const events: StreamEvent[] = [];
  const channel = await w.openStream(request, (e) => events.push(e));
  channel.pushAudio(speech(600));
  const before = events.length;
  w.destroy();
  await channel.done;
  assert.equal(events.length, before);
  assert.equal(w.status().state, 'stopped');
});

test('streams beyond maxStreams are refused with OVER_CAPACITY and a retry hint', async () => {
  const { w } = worker();
  await w.openStream(request, () => undefined);
  await w.openStream(request, () => undefined);
  await assert.rejects(
    w.openStream(request, () => undefined),
    (err: { code: string; details: { retryAfterMs?: number } }) => {
      assert.equal(err.code, 'OVER_CAPACITY');
      assert.ok((err.details.retryAfterMs ?? 0) > 0);
      return true;
    },
  );
  w.destroy();
});

test('background (shadow) streams do not take real-time stream places', async () => {
  const { w } = worker();
  await w.openStream({ ...request, background: true }, () => undefined);
  await w.openStream({ ...request, background: true }, () => undefined);
  assert.equal(w.status().activeStreams, 0);
  await w.openStream(request, () => undefined);
  await w.openStream(request, () => undefined);
  assert.equal(w.status().activeStreams, 2);
  w.destroy();
});

test('file transcription goes through VAD, chunking and the engine, with segment times', async () => {
  const { w, engine } = worker();
  const silence = new Uint8Array(16000 * 2); // 1 s of 16-bit zeros
  const wav = new Uint8Array([
    ...silence,
    ...speech(1000),
    ...silence,
    ...silence,
    ...silence,
    ...speech(500),
    ...silence,
  ]);
  const segments: number[] = [];
  const result = await w.transcribe(
    { task: 'transcribe', audio: wav, rawFormat: { encoding: 'pcm_s16le', sampleRateHz: 16000 } },
    { onSegment: (s) => segments.push(s.id) },
  );
  assert.equal(
    result.segments.length,
    2,
    JSON.stringify(result.segments.map((s) => [s.start_s, s.end_s, s.text])),
  );
  assert.deepEqual(segments, [0, 1]);
  // speech at 1-2 s and 5-5.5 s; segments keep 100 ms of padding around it
  const [a, b] = [result.segments[0]!, result.segments[1]!];
  assert.ok(
    a.start_s >= 0.85 && a.start_s < 1 && a.end_s > 2 && a.end_s < 2.2,
    `${a.start_s}-${a.end_s}`,
  );
  assert.ok(
    b.start_s >= 4.85 && b.start_s < 5 && b.end_s > 5.5 && b.end_s < 5.7,
    `${b.start_s}-${b.end_s}`,
  );
  assert.equal(result.text, 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w1 w2 w3 w4 w5');
  assert.equal(engine.calls.length, 2);
  w.destroy();
});

test('a version added while running is served from the next session on, announced, and the names keep resolving as before', async () => {
  const { w } = worker();
  let closed = 0;
  const engine = new FakeAsrEngine();
  engine.close = () => void closed++;
  const v2 = fakeEnglish('2.0.0', engine);
  assert.equal(w.serves('fake-en@2.0.0'), false);
  w.addModels(new ModelSet([v2], []));
  assert.equal(w.serves('fake-en@2.0.0'), true);
  assert.deepEqual(
    w.status().models.map((m) => `${m.name}@${m.version}`),
    ['fake-en@1.0.0', 'fake-en@2.0.0'],
  );
  const readies: string[] = [];
  const onEvent = (e: StreamEvent): void => {
    if (e.type === 'ready') readies.push(`${e.model}@${e.model_version}`);
  };
  await w.openStream({ ...request, sessionId: 'a', model: 'fake-en@2.0.0' }, onEvent);
  await w.openStream({ ...request, sessionId: 'b', model: 'asr-en' }, onEvent);
  assert.deepEqual(readies, ['fake-en@2.0.0', 'fake-en@1.0.0'], 'the alias still means 1.0.0');
  // The same version again: the worker keeps the engine it has and closes the copy.
  const copy = new FakeAsrEngine();
  copy.close = () => void closed++;
  w.addModels(new ModelSet([{ ...v2, engine: copy }], []));
  assert.equal(closed, 1);
  w.destroy();
});

test('calibrate readies VAD detectors for the streams and files the worker expects, with their settings', async () => {
  const engine = new FakeAsrEngine();
  const vad = new EnergyVad();
  const models = new ModelSet([fakeEnglish('1.0.0', engine)], []);
  const w = new SpeechWorker({ models, vad, clock: new ManualClock() }, config);
  await w.calibrate();
  // The fake decodes in no time: capacity is bounded by maxStreams (2).
  assert.deepEqual(vad.prewarmed, [
    {
      options: { threshold: 0.5, minSpeechMs: 100, minSilenceMs: 100, maxSpeechMs: 20_000 },
      count: 2,
    },
    // The file settings, one per batch slot.
    { options: settings.file.vad, count: 1 },
  ]);
  await w.close();
});
