/**
 * Admission control and cancellation on a real `voxfleet serve` with the real models: streams
 * beyond the measured headroom are refused at once with OVER_CAPACITY and a retry hint, and a
 * file request whose client goes away stops decoding.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListenSession } from '../src/client/index.js';
import { decodeAudioFile, resample, toPcm16 } from '../src/core/index.js';
import { wavBytes } from './helpers/audio-fixtures.js';
import { metricValue } from './helpers/metrics.js';
import { DEV_AUDIO } from './helpers/paths.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ models: ['whisper-tiny.en', 'silero-vad'] });
});
after(async () => server?.close());

const metrics = async (): Promise<string> => (await fetch(`${server.url}/metrics`)).text();

test('streams beyond the measured headroom are refused with OVER_CAPACITY and a retry hint; a freed stream makes room', async () => {
  const capacity = metricValue(await metrics(), 'voxfleet_stream_capacity');
  assert.ok(capacity !== undefined && capacity >= 1 && capacity < 64, `capacity ${capacity}`);
  const sessions: ListenSession[] = [];
  try {
    for (let i = 0; i < capacity; i++) sessions.push(await ListenSession.open(server.url));
    const refused = await ListenSession.open(server.url).then(
      (s) => {
        sessions.push(s);
        return undefined;
      },
      (err: unknown) => err,
    );
    assert.ok(refused !== undefined, `stream ${capacity + 1} was admitted`);
    assert.equal((refused as { code?: string }).code, 'OVER_CAPACITY');
    assert.equal((refused as { details?: { retryAfterMs?: number } }).details?.retryAfterMs, 2000);
    const m = await metrics();
    assert.equal(metricValue(m, 'voxfleet_errors_total', { code: 'OVER_CAPACITY' }), 1);
    assert.equal(
      metricValue(m, 'voxfleet_stream_admission_refusals_total', { reason: 'headroom' }),
      1,
    );

    // A client that goes away frees its place at once.
    const gone = sessions.pop()!;
    gone.terminate();
    await gone.closed;
    await waitFor(() => server.worker.status().activeStreams === capacity - 1);
    sessions.push(await ListenSession.open(server.url));
  } finally {
    for (const s of sessions) s.terminate();
    await Promise.all(sessions.map((s) => s.closed));
  }
  await waitFor(() => server.worker.status().activeStreams === 0);
});

test('a file request whose client disconnects stops decoding its remaining chunks', async () => {
  // ~113 s of speech: five or six chunks of up to 25 s.
  const parts = await Promise.all(
    ['ljlong_01', 'ljlong_03', 'ljlong_04', 'ljlong_05'].map(async (id) => {
      const bytes = new Uint8Array(readFileSync(join(DEV_AUDIO, `${id}.wav`)));
      const audio = await resample(
        await decodeAudioFile(bytes, { maxDurationS: 60, maxChannels: 1 }),
        16000,
      );
      return audio.samples;
    }),
  );
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  const wav = wavBytes(new Int16Array(toPcm16(all).buffer), 16000);
  const fileDecodes = async (): Promise<number> =>
    metricValue(await metrics(), 'voxfleet_decode_wait_seconds_count', { class: 'file' }) ?? 0;
  const before_ = await fileDecodes();

  const form = new FormData();
  form.append('file', new Blob([wav], { type: 'audio/wav' }), 'long.wav');
  form.append('model', 'whisper-tiny.en');
  form.append('stream', 'true');
  const abort = new AbortController();
  const res = await fetch(`${server.url}/v1/audio/transcriptions`, {
    method: 'POST',
    body: form,
    signal: abort.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  await reader.read(); // the first segment is out: decoding is under way
  abort.abort();
  await reader.cancel().catch(() => undefined);
  await waitFor(() => server.worker.status().decodesRunning === 0);
  const decoded = (await fileDecodes()) - before_;
  // mapLimited keeps batchSlots + 1 chunks in flight: the first, and at most two more, ran.
  assert.ok(decoded >= 1 && decoded <= 3, `decoded ${decoded} chunks after the client left`);
  assert.equal(server.worker.status().decodesQueued, 0);
});

/** Polls a condition the server reaches on its own (no fixed sleeps). */
async function waitFor(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
