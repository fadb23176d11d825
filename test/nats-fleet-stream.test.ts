/**
 * The same code path split over NATS: a dev-set WAV streamed through gateway -> NATS -> worker
 * (real nats-server, real Whisper) gives the transcript the embedded server gives; a file
 * upload does too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListenSession, streamPcm16, transcribeBytes } from '../src/client/index.js';
import type { StreamEvent } from '../src/core/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { startNatsFleet, type NatsFleet } from './helpers/nats-fleet.js';
import { DEV_AUDIO } from './helpers/paths.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { pcm16kOf } from './helpers/recorded-audio.js';

const MODELS = ['whisper-tiny.en', 'silero-vad'];
let nats: NatsServer;
let fleet: NatsFleet;
let embedded: TestServer;

before(async () => {
  nats = await startNatsServer();
  fleet = await startNatsFleet(nats.url, { workers: 1, region: 'it', serve: { models: MODELS } });
  embedded = await startTestServer({ models: MODELS, logLevel: 'warn' });
});
after(async () => {
  await fleet?.close();
  await embedded?.close();
  await nats?.stop();
});

async function finalsThrough(url: string, pcm: Uint8Array): Promise<StreamEvent[]> {
  const session = await ListenSession.open(url, { language: 'en' });
  const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs: 100, pace: 4 });
  assert.equal(events.at(-1)?.type, 'closed');
  return events.filter((e) => e.type === 'final');
}

test('a dev-set WAV streamed through NATS gives the embedded transcript, final for final', async () => {
  const pcm = await pcm16kOf(join(DEV_AUDIO, 'jfk.wav'));
  const viaNats = await finalsThrough(fleet.url, pcm);
  const viaEmbedded = await finalsThrough(embedded.url, pcm);
  assert.ok(viaNats.length > 0);
  assert.deepEqual(
    viaNats.map((f) => f.type === 'final' && f.text),
    viaEmbedded.map((f) => f.type === 'final' && f.text),
  );
  assert.deepEqual(
    viaNats.map((f) => f.type === 'final' && [f.start_s, f.end_s]),
    viaEmbedded.map((f) => f.type === 'final' && [f.start_s, f.end_s]),
  );
});

test('a file upload through NATS gives the embedded transcript', async () => {
  const wav = new Uint8Array(readFileSync(join(DEV_AUDIO, 'jfk.wav')));
  const viaNats = await transcribeBytes(fleet.url, wav, { fileName: 'jfk.wav' });
  const viaEmbedded = await transcribeBytes(embedded.url, wav, { fileName: 'jfk.wav' });
  assert.ok(viaNats.length > 0);
  assert.equal(viaNats, viaEmbedded);
});

test('the gateway over NATS serves the web console and a fleet feed listing the NATS worker', async () => {
  const page = await fetch(`${fleet.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const feed = (await (await fetch(`${fleet.url}/v1/fleet`)).json()) as {
    workers: { state: string }[];
  };
  assert.equal(feed.workers.length, 1);
  assert.equal(feed.workers[0]?.state, 'ready');
});
