/**
 * Streaming ASR over the WebSocket with real models and real audio, at real-time pace and
 * faster: partials, stable prefixes, finals, language, silence, disconnects.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ListenSession, streamPcm16 } from '../src/client/index.js';
import { resample, type StreamEvent } from '../src/core/index.js';
import { normalizeText, wordErrorRate } from '../src/eval/index.js';
import { roomNoise } from './helpers/audio-fixtures.js';
import { DEV_AUDIO, MULTILINGUAL_AUDIO } from './helpers/paths.js';
import { readItems } from './helpers/manifest.js';
import { metricValue } from './helpers/metrics.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { finalsOf, pcm16kOf } from './helpers/recorded-audio.js';
import { assertWellFormedStream } from './helpers/stream-assertions.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server?.close());

test('jfk at real-time pace: partials before finals, finals match the file transcript', async (t) => {
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const session = await ListenSession.open(server.url, { language: 'en' });
  const arrivals: { type: string; at: number }[] = [];
  const t0 = performance.now();
  session.onEvent((e) => arrivals.push({ type: e.type, at: performance.now() - t0 }));
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 1 });
  assertWellFormedStream(events);
  const text = finalsOf(events)
    .map((f) => f.text)
    .join(' ');
  const ref =
    'and so my fellow americans ask not what your country can do for you ask what you can do for your country';
  assert.ok(wordErrorRate(normalizeText(ref), normalizeText(text)).wer <= 0.1, text);
  const firstPartial = arrivals.find((a) => a.type === 'partial');
  const firstFinal = arrivals.find((a) => a.type === 'final');
  assert.ok(
    firstPartial !== undefined && firstFinal !== undefined && firstPartial.at < firstFinal.at,
  );
  // real-time pace: the first final came while audio was still being sent (before 11 s)
  assert.ok(firstFinal.at < 11_000, `first final at ${firstFinal.at} ms`);
  const closed = events.at(-1);
  assert.ok(closed?.type === 'closed' && Math.abs(closed.audio_s - 11) < 0.05);
  // The session's compute: some decoding, far less than the audio (tiny.en runs ~10x real time).
  assert.ok(
    closed.decode_s !== undefined && closed.decode_s > 0 && closed.decode_s < closed.audio_s,
    `decode_s ${closed.decode_s}`,
  );
  t.diagnostic(`jfk at real time: ${closed.decode_s} s of decoding for ${closed.audio_s} s`);
});

test('a long item at 4x real time: no words lost at utterance joins', async () => {
  const item = readItems(DEV_AUDIO).find((i) => i.tags.includes('long'))!;
  const session = await ListenSession.open(server.url, {});
  const events = await streamPcm16(session, await pcm16kOf(item.audio), {
    sampleRateHz: 16000,
    frameMs: 50,
    pace: 4,
  });
  assertWellFormedStream(events);
  const text = finalsOf(events)
    .map((f) => f.text)
    .join(' ');
  const wer = wordErrorRate(
    normalizeText(item.text, { numbers: 'spell' }),
    normalizeText(text, { numbers: 'spell' }),
  );
  assert.ok(wer.wer < 0.12, `WER ${wer.wer}: ${text}`);
  assert.ok(wer.deletions <= 3, `deletions ${wer.deletions}`);
});

test('language auto: a German stream is finalised by the multilingual model as de', async () => {
  const de = readItems(MULTILINGUAL_AUDIO).find((i) => i.language === 'de')!;
  const session = await ListenSession.open(server.url, { language: 'auto', sampleRateHz: 16000 });
  const events = await streamPcm16(session, await pcm16kOf(de.audio), {
    sampleRateHz: 16000,
    frameMs: 100,
    pace: Infinity,
  });
  const finals = finalsOf(events);
  assert.ok(finals.length >= 1);
  assert.ok(
    finals.every((f) => f.language === 'de'),
    finals.map((f) => f.language).join(','),
  );
  assert.equal(session.ready?.model, 'whisper-base');
});

test('60 s of room noise and silence: no final with text', async () => {
  const noise = roomNoise(30, 16000, 0.02);
  const silence = new Int16Array(16000 * 30);
  const pcm = new Uint8Array(new Int16Array([...noise, ...silence]).buffer);
  const session = await ListenSession.open(server.url, {});
  const events = await streamPcm16(session, pcm, {
    sampleRateHz: 16000,
    frameMs: 100,
    pace: Infinity,
  });
  assert.equal(events.at(-1)?.type, 'closed');
  assert.deepEqual(
    finalsOf(events).filter((f) => f.text.trim().length > 0),
    [],
  );
});

test('8 kHz mu-law input is resampled and transcribed', async () => {
  const pcm16k = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const audio = await resample(
    {
      samples: Float32Array.from(
        new Int16Array(pcm16k.buffer, pcm16k.byteOffset, pcm16k.byteLength / 2),
        (s) => s / 32768,
      ),
      sampleRateHz: 16000,
    },
    8000,
  );
  const { encodeMuLaw } = await import('./helpers/g711.js');
  const session = await ListenSession.open(server.url, { encoding: 'mulaw', sampleRateHz: 8000 });
  const events: StreamEvent[] = [];
  session.onEvent((e) => events.push(e));
  const bytes = encodeMuLaw(audio.samples);
  for (let off = 0; off < bytes.length; off += 800)
    session.sendAudio(bytes.subarray(off, off + 800));
  await session.finish();
  const text = finalsOf(events)
    .map((f) => f.text)
    .join(' ');
  assert.match(text, /country/i);
});

test('a client that disconnects mid-stream frees its session at once', async () => {
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const session = await ListenSession.open(server.url, {});
  session.sendAudio(pcm.subarray(0, 16000 * 2 * 3));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(server.worker.status().activeStreams, 1);
  session.terminate();
  for (let i = 0; i < 50 && server.worker.status().activeStreams > 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.worker.status().activeStreams, 0);
});

test('stream metrics: first-partial and final latency observed, no stream left open', async () => {
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.ok(
    (metricValue(metrics, 'voxfleet_stream_first_partial_seconds_count', {
      model: 'whisper-tiny.en',
    }) ?? 0) >= 1,
  );
  assert.ok(
    (metricValue(metrics, 'voxfleet_stream_final_latency_seconds_count', {
      model: 'whisper-tiny.en',
    }) ?? 0) >= 3,
  );
  assert.equal(metricValue(metrics, 'voxfleet_active_streams', { model: 'whisper-tiny.en' }), 0);
  assert.ok(
    (metricValue(metrics, 'voxfleet_audio_seconds_total', {
      model: 'whisper-tiny.en',
      kind: 'stream',
    }) ?? 0) > 20,
  );
});
