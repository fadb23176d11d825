/**
 * Per-request deadlines: the default per item, the deadline itself on a manual clock, and both
 * server paths against a loopback server that accepts requests and never answers — the deadline
 * aborts them (the server sees the connection go), the item is REQUEST_TIMEOUT and the run goes
 * on. Time only moves when the test advances the clock: nothing sleeps to prove a timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { ManualClock, VoxfleetError } from '../../core/index.js';
import type { ManifestItem } from '../manifest.js';
import { runWithDeadline, timeoutMsFor } from './request-deadline.js';
import { runManifest } from './run-manifest.js';

const dir = mkdtempSync(join(tmpdir(), 'voxfleet-eval-deadline-'));
let server: Server;
let sockets: WebSocketServer;
let url = '';
/** Resolvers for "a request (or stream) has reached the server and is being held". */
const arrivals: (() => void)[] = [];
let held = 0;
let closedByClient = 0;

function nextArrival(): Promise<void> {
  return new Promise((resolve) => arrivals.push(resolve));
}

function hold(req: IncomingMessage): void {
  held++;
  req.socket.once('close', () => closedByClient++);
  arrivals.shift()?.();
}

/** Half a second of 16 kHz mono silence, so the WebSocket path can decode it. */
function silentWav(): Buffer {
  const samples = 8000;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(16000, 24);
  wav.writeUInt32LE(32000, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  return wav;
}

function item(id: string, durationS?: number): ManifestItem {
  const audioPath = join(dir, `${id}.wav`);
  writeFileSync(audioPath, id.startsWith('wav') ? silentWav() : id);
  return {
    id,
    audioPath,
    text: `text of ${id}`,
    tags: [],
    line: 1,
    ...(durationS !== undefined ? { durationS } : {}),
  };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      // 'hang': read the whole upload, then never answer.
      if (body.includes('\nhang')) return hold(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ text: 'heard', duration: 2, model: 'm', model_version: '1' }));
    });
  });
  // A WebSocket server that takes the connection and the `start` message, and never says ready.
  sockets = new WebSocketServer({ server, path: '/v1/listen' });
  sockets.on('connection', (_socket, req) => hold(req));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(() => {
  for (const c of sockets?.clients ?? []) c.terminate();
  sockets?.close();
  server?.closeAllConnections();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('default deadline: max(60 s, 10x the audio); 600 s without a duration; --timeout-s wins', () => {
  assert.equal(timeoutMsFor(2, undefined), 60_000);
  assert.equal(timeoutMsFor(10.5, undefined), 105_000);
  assert.equal(timeoutMsFor(undefined, undefined), 600_000);
  assert.equal(timeoutMsFor(0, undefined), 600_000);
  assert.equal(timeoutMsFor(3600, 5), 5000);
  assert.equal(timeoutMsFor(undefined, 0.25), 250);
});

test('runWithDeadline: past the deadline it rejects REQUEST_TIMEOUT and aborts the signal', async () => {
  const clock = new ManualClock();
  let seen: AbortSignal | undefined;
  // Work that ignores its signal and never settles, like a decode that cannot be interrupted.
  const pending = runWithDeadline(
    (signal) => {
      seen = signal;
      return new Promise<string>(() => undefined);
    },
    1500,
    clock,
  );
  clock.advance(1499);
  assert.equal(seen?.aborted, false);
  clock.advance(1);
  await assert.rejects(pending, (err: unknown) => {
    assert.ok(err instanceof VoxfleetError);
    assert.equal(err.code, 'REQUEST_TIMEOUT');
    assert.match(err.message, /no answer within 1\.5 s/);
    return true;
  });
  assert.equal(seen?.aborted, true);
  assert.equal((seen?.reason as VoxfleetError).code, 'REQUEST_TIMEOUT');
  assert.equal(clock.pendingTimers(), 0);
});

test('runWithDeadline: work done in time keeps its result and leaves no timer behind', async () => {
  const clock = new ManualClock();
  assert.equal(await runWithDeadline(async () => 'done', 1000, clock), 'done');
  await assert.rejects(
    runWithDeadline(
      async () => {
        throw new VoxfleetError('AUDIO_EMPTY', 'no samples');
      },
      1000,
      clock,
    ),
    { code: 'AUDIO_EMPTY' },
  );
  assert.equal(clock.pendingTimers(), 0);
});

for (const path of ['rest', 'ws'] as const) {
  test(`${path}: a request the server never answers is aborted at its deadline; the run goes on`, async () => {
    const clock = new ManualClock();
    const hung = path === 'rest' ? item('hang', 2) : item('wav-hang', 0.5);
    const closedBefore = closedByClient;
    const heldBefore = held;
    const arrived = nextArrival();
    const items = path === 'rest' ? [hung, item('ok1'), item('ok2')] : [hung];
    const running = runManifest(items, {
      target: { kind: 'server', baseUrl: url },
      path,
      model: undefined,
      language: undefined,
      concurrency: 1,
      frameMs: 100,
      clock,
    });
    await arrived;
    assert.equal(held, heldBefore + 1);
    // The item's own default deadline: 60 s for 2 s (or 0.5 s) of audio.
    clock.advance(59_999);
    clock.advance(1);
    const run = await running;
    const first = run.utterances[0]!;
    assert.equal(first.error?.code, 'REQUEST_TIMEOUT');
    assert.equal(first.hyp, '');
    if (path === 'rest') {
      assert.deepEqual(
        run.utterances.slice(1).map((u) => [u.hyp, u.error]),
        [
          ['heard', undefined],
          ['heard', undefined],
        ],
      );
    }
    // The abort reached the server: the connection it was holding went away.
    for (let i = 0; i < 100 && closedByClient === closedBefore; i++)
      await new Promise((r) => setImmediate(r));
    assert.equal(closedByClient, closedBefore + 1);
    assert.equal(clock.pendingTimers(), 0);
  });
}
