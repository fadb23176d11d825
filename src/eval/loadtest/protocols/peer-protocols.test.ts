/**
 * One contract, both peer protocols, against scripted servers on real loopback sockets (port
 * 0) that replay what the real peers send (captured in whisperlive.test.ts and
 * whisperlivekit.test.ts): a session streams and ends with its final; a busy or broken server
 * is told apart by code. The real servers are exercised by test/loadtest-peers.test.ts.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemLoadClock } from '../schedule.js';
import type { StreamProtocol, StreamUpdate } from './stream-protocol.js';
import { whisperLiveProtocol } from './whisperlive.js';
import { whisperLiveKitProtocol } from './whisperlivekit.js';

type Behaviour = 'normal' | 'busy' | 'drop';

interface Received {
  readonly texts: string[];
  readonly binary: Buffer[];
  url?: string;
  closeCode?: number;
}

/** What the scripted server does on one connection. */
type Script = (ws: WebSocket, behaviour: Behaviour, got: Received) => void;

const WL_SEGMENTS = (text: string, completed: boolean): string =>
  JSON.stringify({ uid: 'u', segments: [{ start: '0.000', end: '1.000', text, completed }] });

/** WhisperLive: options, SERVER_READY, float32 audio, segments, END_OF_AUDIO, close. */
const whisperLiveScript: Script = (ws, behaviour, got) => {
  ws.once('message', () => {
    if (behaviour === 'busy') {
      ws.send(JSON.stringify({ uid: 'u', status: 'WAIT', message: 0.5 }));
      return ws.close();
    }
    ws.send(JSON.stringify({ uid: 'u', message: 'SERVER_READY', backend: 'faster_whisper' }));
    ws.on('message', (data: Buffer) => {
      if (data.toString('latin1') === 'END_OF_AUDIO') return ws.close(1000);
      if (got.binary.length === 1) ws.send(WL_SEGMENTS(' Hello...', false));
      if (got.binary.length === 2 && behaviour === 'drop') ws.terminate();
      if (got.binary.length === 3) ws.send(WL_SEGMENTS(' Hello world.', true));
    });
  });
};

const WLK_VIEW = (lines: string[], buffer: string): string =>
  JSON.stringify({
    status: 'active_transcription',
    lines: lines.map((text) => ({ speaker: 1, text, start: '0:00:00.00', end: '0:00:01.00' })),
    buffer_transcription: buffer,
  });

/** WhisperLiveKit: config, s16le audio, transcripts, empty frame, last transcript, ready_to_stop. */
const whisperLiveKitScript: Script = (ws, behaviour, got) => {
  ws.send(JSON.stringify({ type: 'config', useAudioWorklet: behaviour !== 'busy', mode: 'full' }));
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) {
      ws.send(WLK_VIEW([' Hello world.'], ''));
      return ws.send(JSON.stringify({ type: 'ready_to_stop' }));
    }
    if (got.binary.length === 1) ws.send(WLK_VIEW([], ' Hello'));
    if (got.binary.length === 2 && behaviour === 'drop') ws.terminate();
  });
};

const servers: WebSocketServer[] = [];
after(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

async function scriptedServer(script: Script, behaviour: Behaviour) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(wss);
  await new Promise((r) => wss.once('listening', r));
  const got: Received = { texts: [], binary: [] };
  wss.on('connection', (ws, req) => {
    got.url = req.url;
    ws.on('message', (data: Buffer, isBinary) =>
      isBinary ? got.binary.push(data) : got.texts.push(data.toString('utf8')),
    );
    ws.on('close', (code) => (got.closeCode = code));
    script(ws, behaviour, got);
  });
  return { url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`, got };
}

function openOptions(baseUrl: string) {
  return {
    baseUrl,
    sampleRateHz: 16000,
    model: undefined,
    language: 'en',
    clock: systemLoadClock,
    signal: new AbortController().signal,
  };
}

/** Opens, sends three 100 ms frames and finishes; every update read, in order. */
async function stream(protocol: StreamProtocol, baseUrl: string): Promise<StreamUpdate[]> {
  const session = await protocol.open(openOptions(baseUrl));
  const updates: StreamUpdate[] = [];
  session.onUpdates((u) => updates.push(...u));
  const frame = new Uint8Array(3200).fill(1);
  for (let i = 0; i < 3; i++) {
    session.sendAudio(frame);
    await new Promise((r) => setTimeout(r, 20));
  }
  await session.finish();
  return updates;
}

const CASES: readonly {
  readonly protocol: StreamProtocol;
  readonly script: Script;
  /** Bytes on the wire per byte of 16-bit PCM. */
  readonly bytesPerPcmByte: number;
  readonly busyCode: string;
}[] = [
  {
    protocol: whisperLiveProtocol,
    script: whisperLiveScript,
    bytesPerPcmByte: 2,
    busyCode: 'OVER_CAPACITY',
  },
  {
    protocol: whisperLiveKitProtocol,
    script: whisperLiveKitScript,
    bytesPerPcmByte: 1,
    busyCode: 'AUDIO_UNSUPPORTED_ENCODING',
  },
];

for (const c of CASES) {
  const name = c.protocol.name;

  test(`${name}: a session streams its audio and ends with the final text`, async () => {
    const { url, got } = await scriptedServer(c.script, 'normal');
    const updates = await stream(c.protocol, url);
    assert.deepEqual(updates, [
      { type: 'partial', text: name === 'whisperlive' ? 'Hello...' : 'Hello' },
      { type: 'final', text: 'Hello world.' },
      { type: 'partial', text: '' },
    ]);
    const audio = got.binary.filter((b) => b.length > 0 && b.toString('latin1') !== 'END_OF_AUDIO');
    assert.deepEqual(
      audio.map((b) => b.length),
      [3200, 3200, 3200].map((n) => n * c.bytesPerPcmByte),
    );
    if (name === 'whisperlive') {
      const options = JSON.parse(got.texts[0] ?? '{}') as Record<string, unknown>;
      assert.equal(options.language, 'en');
      assert.equal(options.use_vad, true);
      assert.equal(got.binary.at(-1)?.toString('latin1'), 'END_OF_AUDIO');
      assert.ok(Math.abs((audio[0]?.readFloatLE(0) ?? 0) - 257 / 32768) < 1e-9);
    } else {
      assert.equal(got.url, '/asr?language=en');
      assert.equal(got.binary.at(-1)?.length, 0);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(got.closeCode, 1000, 'the client closes after ready_to_stop');
    }
  });

  test(`${name}: a server that turns the session away is a refusal with its code`, async () => {
    const { url } = await scriptedServer(c.script, 'busy');
    await assert.rejects(c.protocol.open(openOptions(url)), { code: c.busyCode });
  });

  test(`${name}: a session dropped mid-stream is INTERNAL`, async () => {
    const { url } = await scriptedServer(c.script, 'drop');
    const updates = await stream(c.protocol, url);
    const errors = updates.filter((u) => u.type === 'error');
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.type === 'error' && errors[0].error.code, 'INTERNAL');
  });

  test(`${name}: a session the client drops (the run's drain) reports no error`, async () => {
    const { url } = await scriptedServer(c.script, 'normal');
    const session = await c.protocol.open(openOptions(url));
    const updates: StreamUpdate[] = [];
    session.onUpdates((u) => updates.push(...u));
    session.terminate();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      updates.filter((u) => u.type === 'error'),
      [],
    );
  });

  test(`${name}: an aborted open is CANCELLED`, async () => {
    const { url } = await scriptedServer(() => {}, 'normal');
    const ac = new AbortController();
    const opening = c.protocol.open({ ...openOptions(url), signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(opening, { code: 'CANCELLED' });
  });
}
