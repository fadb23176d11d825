/**
 * The official `openai` npm client, unchanged, against a real `voxfleet serve` with real models.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import wavefile from 'wavefile';
const { WaveFile } = wavefile;
import { mapLimited } from '../src/core/index.js';
import { normalizeText, wordErrorRate } from '../src/eval/index.js';
import { DEV_AUDIO, MULTILINGUAL_AUDIO } from './helpers/paths.js';
import { readItems } from './helpers/manifest.js';
import { metricValue } from './helpers/metrics.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { TINY_NEWEST } from './helpers/test-models.js';

let server: TestServer;
let client: OpenAI;

before(async () => {
  // File requests may take both decode slots (the default keeps one for live streams, and
  // nothing here streams): the language test sends two at a time.
  server = await startTestServer({ batchShare: 1 });
  client = new OpenAI({
    baseURL: `${server.url}/v1`,
    apiKey: 'sk-test-not-a-real-key',
    maxRetries: 0,
  });
});
after(() => server?.close());

const jfk = join(DEV_AUDIO, 'jfk.wav');
const JFK_WORDS =
  'and so my fellow americans ask not what your country can do for you ask what you can do for your country';

test('transcriptions: json (default model by language)', async () => {
  const r = await client.audio.transcriptions.create({
    file: createReadStream(jfk),
    model: 'whisper-1',
  });
  assert.ok(wordErrorRate(normalizeText(JFK_WORDS), normalizeText(r.text)).wer < 0.1, r.text);
});

test('transcriptions: verbose_json with words and segments, times inside the audio', async () => {
  const r = await client.audio.transcriptions.create({
    file: createReadStream(jfk),
    model: 'whisper-1',
    response_format: 'verbose_json',
    timestamp_granularities: ['word', 'segment'],
  });
  assert.equal(r.language, 'english');
  assert.ok(Math.abs(r.duration - 11) < 0.1, String(r.duration));
  assert.ok((r.segments?.length ?? 0) >= 1);
  const words = r.words ?? [];
  assert.ok(words.length >= 18, `words: ${words.length}`);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    assert.ok(w.start >= 0 && w.end <= r.duration + 0.01 && w.end >= w.start);
    if (i > 0) assert.ok(w.start >= words[i - 1]!.start);
  }
});

test('transcriptions: text, srt and vtt', async () => {
  const text = await client.audio.transcriptions.create({
    file: createReadStream(jfk),
    model: 'whisper-1',
    response_format: 'text',
  });
  assert.match(String(text), /country/i);
  const srt = await client.audio.transcriptions.create({
    file: createReadStream(jfk),
    model: 'whisper-1',
    response_format: 'srt',
  });
  assert.match(String(srt), /^1\n00:00:0\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
  const vtt = await client.audio.transcriptions.create({
    file: createReadStream(jfk),
    model: 'whisper-1',
    response_format: 'vtt',
  });
  assert.match(String(vtt), /^WEBVTT\n\n00:00:0\d\.\d{3} --> /);
});

test('transcriptions: stream=true sends segment deltas then done', async () => {
  const longItem = readItems(DEV_AUDIO).find((i) => i.tags.includes('long'))!;
  const stream = await client.audio.transcriptions.create({
    file: createReadStream(longItem.audio),
    model: 'whisper-1',
    stream: true,
  });
  const deltas: string[] = [];
  let done = '';
  for await (const event of stream) {
    if (event.type === 'transcript.text.delta') deltas.push(event.delta);
    if (event.type === 'transcript.text.done') done = event.text;
  }
  assert.ok(
    deltas.length >= 2,
    `expected several segments for ${longItem.duration_s} s, got ${deltas.length}`,
  );
  assert.equal(deltas.join(''), done);
  assert.ok(
    wordErrorRate(
      normalizeText(longItem.text, { numbers: 'spell' }),
      normalizeText(done, { numbers: 'spell' }),
    ).wer < 0.15,
  );
});

test('translations: whisper-base translates German speech into English', async () => {
  const de = readItems(MULTILINGUAL_AUDIO).find((i) => i.language === 'de')!;
  const r = await client.audio.translations.create({
    file: createReadStream(de.audio),
    model: 'whisper-base',
  });
  assert.ok(r.text.length > 10);
  assert.match(r.text, /\b(the|is|and|of|to|a)\b/i, `not English: ${r.text}`);
});

test('translations with an English-only model is a stable error', async () => {
  await assert.rejects(
    client.audio.translations.create({ file: createReadStream(jfk), model: 'whisper-tiny.en' }),
    (err: InstanceType<typeof OpenAI.APIError>) =>
      err.status === 400 && err.code === 'MODEL_CAPABILITY_UNSUPPORTED',
  );
});

test('speech: the openai client gets a WAV at the voice rate with real audio', async () => {
  const res = await client.audio.speech.create({
    model: 'tts-1',
    voice: 'alloy',
    input: 'Hello from voxfleet. This is a test.',
    response_format: 'wav',
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  // Streamed WAV: sizes unknown when the header left, so patch them before parsing.
  const view = new DataView(bytes.buffer);
  view.setUint32(4, bytes.length - 8, true);
  view.setUint32(40, bytes.length - 44, true);
  const wav = new WaveFile(bytes);
  assert.equal((wav.fmt as { sampleRate: number }).sampleRate, 22050);
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array;
  const seconds = samples.length / 22050;
  assert.ok(seconds > 1.2 && seconds < 6, `duration ${seconds}`);
  const peak = samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  assert.ok(peak > 3000, `peak ${peak}`);
});

test('models: lists the loaded models with kinds and aliases', async () => {
  const list = await client.models.list();
  const ids = list.data.map((m) => m.id).sort();
  assert.deepEqual(ids, ['piper-en-us-joe-medium', 'whisper-base', 'whisper-tiny.en']);
});

test('language detection: whisper-base names the language of >= 27 of the 29 multilingual items', async () => {
  const items = readItems(MULTILINGUAL_AUDIO);
  assert.equal(items.length, 29);
  const detected = await mapLimited(items, 2, async (item) => {
    const r = await client.audio.transcriptions.create({
      file: await toFile(readFileSync(item.audio), 'a.wav'),
      model: 'whisper-1',
      language: 'auto',
      response_format: 'verbose_json',
    });
    return r.language;
  });
  let right = 0;
  const wrong: string[] = [];
  for (const [i, item] of items.entries()) {
    const expected = new Intl.DisplayNames(['en'], { type: 'language' })
      .of(item.language!)!
      .toLowerCase();
    if (detected[i] === expected) right++;
    else wrong.push(`${item.id}: ${detected[i]}`);
  }
  assert.ok(right >= 27, `${right}/29 right; wrong: ${wrong.join(', ')}`);
});

test('privacy: no API key, transcript or TTS text reaches the logs', () => {
  const logs = server.logs.join('');
  assert.ok(logs.length > 0, 'expected request logs');
  assert.ok(!logs.includes('sk-test-not-a-real-key'), 'API key logged');
  assert.ok(!/fellow americans/i.test(logs), 'transcript logged');
  assert.ok(!/hello from voxfleet/i.test(logs), 'TTS input logged');
});

test('health, readiness and metrics reflect the requests made', async () => {
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  const ready = (await (await fetch(`${server.url}/readyz`)).json()) as {
    status: string;
    workers: { models: string[] }[];
  };
  assert.equal(ready.status, 'ready');
  assert.ok(ready.workers[0]!.models.includes(TINY_NEWEST));
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const count = (name: string, labels: Record<string, string>): number =>
    metricValue(metrics, name, labels) ?? 0;
  assert.ok(
    count('voxfleet_requests_total', {
      route: 'transcriptions',
      model: 'whisper-tiny.en',
      status: '200',
    }) >= 4,
  );
  assert.ok(count('voxfleet_file_asr_latency_seconds_count', { model: 'whisper-tiny.en' }) >= 4);
  assert.ok(
    count('voxfleet_audio_seconds_total', { model: 'whisper-tiny.en', kind: 'file' }) >= 44,
  );
  assert.ok(
    count('voxfleet_real_time_factor_count', { model: 'whisper-tiny.en', kind: 'file' }) >= 4,
  );
  assert.ok(
    count('voxfleet_tts_time_to_first_byte_seconds_count', { model: 'piper-en-us-joe-medium' }) >=
      1,
  );
  assert.ok(
    count('voxfleet_audio_seconds_total', { model: 'piper-en-us-joe-medium', kind: 'tts' }) > 1,
  );
  assert.ok(count('voxfleet_errors_total', { code: 'MODEL_CAPABILITY_UNSUPPORTED' }) >= 1);
});
