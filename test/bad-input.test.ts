/**
 * Every bad input gets a clear error with a stable code and the right status, and the server
 * neither crashes nor leaks after a burst of them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ManualClock } from '../src/core/index.js';
import { roomNoise, tone, truncatedWav, wavBytes, wavHeader } from './helpers/audio-fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
const clock = new ManualClock(Date.now());

before(async () => {
  server = await startTestServer(
    {
      models: ['whisper-tiny.en', 'piper-en-us-joe-medium', 'silero-vad'],
      maxAudioS: 60,
      uploadLimitMb: 2,
      maxStreams: 2,
      idleTimeoutS: 10,
    },
    clock,
  );
});
after(() => server?.close());

async function upload(
  bytes: Uint8Array,
  fields: Record<string, string> = {},
): Promise<{
  status: number;
  body: { error?: { code: string; message: string; param: string | null } };
}> {
  const form = new FormData();
  form.set('file', new Blob([bytes]), 'audio');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string; param: string | null } },
  };
}

const cases: {
  name: string;
  bytes: () => Uint8Array;
  fields?: Record<string, string>;
  status: number;
  code: string;
}[] = [
  { name: 'empty file', bytes: () => new Uint8Array(0), status: 400, code: 'AUDIO_EMPTY' },
  {
    name: 'text, not audio',
    bytes: () => new TextEncoder().encode('hello, this is not audio at all '.repeat(20)),
    status: 415,
    code: 'AUDIO_NOT_AUDIO',
  },
  {
    name: 'random bytes',
    bytes: () => Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251),
    status: 415,
    code: 'AUDIO_NOT_AUDIO',
  },
  {
    name: 'WAV cut short',
    bytes: () => truncatedWav(320000, 1000),
    status: 400,
    code: 'AUDIO_TRUNCATED',
  },
  {
    name: 'WAV with a hostile 4 GB data size',
    bytes: () => truncatedWav(0xfffffff0, 64),
    status: 400,
    code: 'AUDIO_TRUNCATED',
  },
  {
    name: 'ADPCM WAV',
    bytes: () => wavHeader({ format: 2, bits: 4, dataBytes: 1024 }),
    status: 415,
    code: 'AUDIO_UNSUPPORTED_ENCODING',
  },
  {
    name: 'WAV with 12 channels',
    bytes: () => wavBytes(tone(0.5 * 12), 16000, 12),
    status: 400,
    code: 'AUDIO_TOO_MANY_CHANNELS',
  },
  {
    name: 'audio longer than the limit',
    bytes: () => wavBytes(roomNoise(61, 8000), 8000),
    status: 413,
    code: 'AUDIO_TOO_LONG',
  },
  {
    name: 'upload larger than the limit',
    bytes: () => wavBytes(roomNoise(70, 16000)),
    status: 413,
    code: 'UPLOAD_TOO_LARGE',
  },
  {
    name: 'declared rate differs from the header',
    bytes: () => wavBytes(tone(1), 16000),
    fields: { sample_rate: '8000' },
    status: 400,
    code: 'AUDIO_SAMPLE_RATE_MISMATCH',
  },
  {
    name: 'raw PCM not a whole number of samples',
    bytes: () => new Uint8Array(3001),
    fields: { encoding: 'pcm_s16le', sample_rate: '16000' },
    status: 400,
    code: 'AUDIO_FRAME_MISALIGNED',
  },
  {
    name: 'unknown raw encoding',
    bytes: () => new Uint8Array(3000),
    fields: { encoding: 'pcm_u8', sample_rate: '16000' },
    status: 415,
    code: 'AUDIO_UNSUPPORTED_ENCODING',
  },
  {
    name: 'unsupported raw sample rate',
    bytes: () => new Uint8Array(3000),
    fields: { encoding: 'pcm_s16le', sample_rate: '1234' },
    status: 400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'unknown response_format',
    bytes: () => wavBytes(tone(1)),
    fields: { response_format: 'docx' },
    status: 400,
    code: 'UNSUPPORTED_RESPONSE_FORMAT',
  },
  {
    name: 'bad language code',
    bytes: () => wavBytes(tone(1)),
    fields: { language: 'english!' },
    status: 400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'unknown model',
    bytes: () => wavBytes(tone(1)),
    fields: { model: 'whisper-huge' },
    status: 404,
    code: 'MODEL_NOT_FOUND',
  },
  {
    name: 'language the model lacks',
    bytes: () => wavBytes(tone(1)),
    fields: { model: 'whisper-tiny.en', language: 'de' },
    status: 400,
    code: 'MODEL_CAPABILITY_UNSUPPORTED',
  },
];

for (const c of cases) {
  test(`REST: ${c.name} -> ${c.status} ${c.code}`, async () => {
    const { status, body } = await upload(c.bytes(), c.fields);
    assert.equal(body.error?.code, c.code, JSON.stringify(body));
    assert.equal(status, c.status);
    assert.ok((body.error?.message.length ?? 0) > 5);
  });
}

test('REST: a body that is not multipart names the file field', async () => {
  const res = await fetch(`${server.url}/v1/audio/transcriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { error: { code: string; param: string } };
  assert.equal(res.status, 400);
  assert.equal(body.error.code, 'INVALID_ARGUMENT');
  assert.equal(body.error.param, 'file');
});

const speechCases: { name: string; body: string; status: number; code: string }[] = [
  {
    name: 'empty input',
    body: JSON.stringify({ input: '   ', voice: 'joe' }),
    status: 400,
    code: 'TEXT_EMPTY',
  },
  {
    name: 'input too long',
    body: JSON.stringify({ input: 'a'.repeat(5000) }),
    status: 413,
    code: 'TEXT_TOO_LONG',
  },
  {
    name: 'speed out of range',
    body: JSON.stringify({ input: 'hi', speed: 10 }),
    status: 400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'aac format',
    body: JSON.stringify({ input: 'hi', response_format: 'aac' }),
    status: 400,
    code: 'UNSUPPORTED_RESPONSE_FORMAT',
  },
  { name: 'malformed JSON', body: '{"input": ', status: 400, code: 'INVALID_ARGUMENT' },
  {
    name: 'unknown model',
    body: JSON.stringify({ input: 'hi', model: 'tts-9' }),
    status: 404,
    code: 'MODEL_NOT_FOUND',
  },
  {
    name: 'input missing',
    body: JSON.stringify({ voice: 'joe' }),
    status: 400,
    code: 'INVALID_ARGUMENT',
  },
];

for (const c of speechCases) {
  test(`speech: ${c.name} -> ${c.status} ${c.code}`, async () => {
    const res = await fetch(`${server.url}/v1/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: c.body,
    });
    const body = (await res.json()) as { error: { code: string } };
    assert.equal(body.error.code, c.code);
    assert.equal(res.status, c.status);
  });
}

interface WsOutcome {
  messages: { type: string; code?: string; retry_after_ms?: number }[];
  closeCode: number;
}

function wsSession(query: string, script: (ws: WebSocket) => void): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/listen${query}`);
    const messages: WsOutcome['messages'] = [];
    ws.on('message', (d: Buffer) =>
      messages.push(JSON.parse(d.toString('utf8')) as WsOutcome['messages'][number]),
    );
    ws.on('open', () => script(ws));
    ws.on('close', (closeCode) => resolve({ messages, closeCode }));
    ws.on('error', reject);
  });
}

const wsCases: {
  name: string;
  query?: string;
  script: (ws: WebSocket) => void;
  close: number;
  code: string;
}[] = [
  {
    name: 'audio before start',
    script: (ws) => ws.send(new Uint8Array(320)),
    close: 4400,
    code: 'PROTOCOL_VIOLATION',
  },
  {
    name: 'text that is not JSON',
    script: (ws) => ws.send('hello'),
    close: 4400,
    code: 'PROTOCOL_VIOLATION',
  },
  {
    name: 'unknown message type',
    script: (ws) => ws.send(JSON.stringify({ type: 'pause' })),
    close: 4400,
    code: 'PROTOCOL_VIOLATION',
  },
  {
    name: 'unsupported sample rate',
    script: (ws) => ws.send(JSON.stringify({ type: 'start', sample_rate: 1234 })),
    close: 4400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'unknown encoding',
    script: (ws) => ws.send(JSON.stringify({ type: 'start', encoding: 'opus' })),
    close: 4400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'endpointing out of range',
    query: '?encoding=pcm_s16le&endpointing_ms=5',
    script: () => undefined,
    close: 4400,
    code: 'INVALID_ARGUMENT',
  },
  {
    name: 'frame not a whole number of samples',
    script: (ws) => {
      ws.send(JSON.stringify({ type: 'start', encoding: 'pcm_s16le', sample_rate: 16000 }));
      ws.send(new Uint8Array(321));
    },
    close: 4400,
    code: 'AUDIO_FRAME_MISALIGNED',
  },
  {
    name: 'second start',
    script: (ws) => {
      ws.send(JSON.stringify({ type: 'start' }));
      ws.send(JSON.stringify({ type: 'start' }));
    },
    close: 4400,
    code: 'PROTOCOL_VIOLATION',
  },
];

for (const c of wsCases) {
  test(`WS: ${c.name} -> close ${c.close} ${c.code}`, async () => {
    const { messages, closeCode } = await wsSession(c.query ?? '', c.script);
    const err = messages.find((m) => m.type === 'error');
    assert.equal(err?.code, c.code, JSON.stringify(messages));
    assert.equal(closeCode, c.close);
  });
}

test('WS: a frame over 1 MiB closes the socket with 1009', async () => {
  const { closeCode } = await wsSession('?encoding=pcm_s16le', (ws) =>
    ws.send(new Uint8Array(2 * 1024 * 1024)),
  );
  assert.equal(closeCode, 1009);
});

test('WS: keepalive resets the idle timer; silence past it closes with SESSION_IDLE_TIMEOUT / 4408', async () => {
  // A pong comes back only after the server handled every frame sent before the ping, so each
  // ping/pong is a sync point: the clock moves only once the server has seen what came before.
  const syncThen = (ws: WebSocket, fn: () => void): void => {
    ws.ping();
    ws.once('pong', fn);
  };
  let openAt18s = false;
  const outcome = wsSession('', (ws) => {
    ws.send(JSON.stringify({ type: 'start' }));
    ws.once('message', () => {
      clock.advance(9_000); // 9 s idle: within the 10 s limit
      ws.send(JSON.stringify({ type: 'keepalive' }));
      syncThen(ws, () => {
        clock.advance(9_000); // 18 s since start, 9 s since the keepalive
        syncThen(ws, () => {
          openAt18s = true; // a pong after 18 s: the keepalive re-armed the timer
          clock.advance(1_001); // 10.001 s since the keepalive
        });
      });
    });
  });
  const { messages, closeCode } = await outcome;
  assert.ok(openAt18s, 'the session closed although a keepalive came 9 s before');
  assert.equal(messages.at(-1)?.code, 'SESSION_IDLE_TIMEOUT');
  assert.equal(closeCode, 4408);
});

test('WS: sessions beyond capacity are refused fast with OVER_CAPACITY, retry_after_ms and 4503', async () => {
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/v1/listen?encoding=pcm_s16le`);
      ws.once('message', () => resolve(ws));
      ws.once('error', reject);
    });
  const a = await open();
  const b = await open();
  const { messages, closeCode } = await wsSession('?encoding=pcm_s16le', () => undefined);
  assert.equal(messages[0]?.code, 'OVER_CAPACITY');
  assert.ok((messages[0]?.retry_after_ms ?? 0) > 0);
  assert.equal(closeCode, 4503);
  a.close();
  b.close();
});

test('a burst of bad requests leaves no leaked handles or memory', async () => {
  const handlesBefore = process.getActiveResourcesInfo().length;
  const rssBefore = process.memoryUsage().rss;
  for (let round = 0; round < 5; round++) {
    await Promise.all(cases.slice(0, 10).map((c) => upload(c.bytes(), c.fields)));
    await Promise.all(wsCases.map((c) => wsSession(c.query ?? '', c.script)));
  }
  await new Promise((r) => setTimeout(r, 200));
  global.gc?.();
  const grownMb = (process.memoryUsage().rss - rssBefore) / 1e6;
  assert.ok(grownMb < 150, `RSS grew by ${grownMb.toFixed(0)} MB`);
  assert.ok(
    process.getActiveResourcesInfo().length <= handlesBefore + 2,
    `handles ${handlesBefore} -> ${process.getActiveResourcesInfo().length}`,
  );
  assert.equal(server.worker.status().activeStreams, 0);
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
});
