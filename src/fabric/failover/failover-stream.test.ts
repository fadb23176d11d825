import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, VoxfleetError, type StreamEvent } from '../../core/index.js';
import { InProcessFabric } from '../in-process.js';
import { FakeWorker } from '../testing/fake-worker.js';
import { DEFAULT_FAILOVER_POLICY, delayFor, isFailoverCause } from './failover-policy.js';
import { withStreamFailover } from './with-stream-failover.js';

const request = {
  sessionId: 'sess_1',
  encoding: 'pcm_s16le' as const,
  sampleRateHz: 16000,
  interimResults: true,
  endpointingMs: 500,
};

const lost: StreamEvent = {
  type: 'error',
  code: 'WORKER_LOST',
  message: 'worker stopped answering',
  retryable: true,
};

/** 100 ms frames of 16 kHz s16le, each filled with its index so positions can be checked. */
const frames = (from: number, count: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => new Uint8Array(3200).fill((from + i) % 256));

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a lost worker: the stream moves, replays from the last final, and its times run on', async () => {
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  const b = new FakeWorker('b', { activeStreams: 3 });
  fabric.register(a);
  fabric.register(b);
  const events: StreamEvent[] = [];
  const stream = await withStreamFailover(fabric).openStream(request, (e) => events.push(e));
  for (const f of frames(0, 10)) stream.pushAudio(f);
  stream.control({ type: 'finalize' }); // a: final over 1.0 s
  const after = frames(10, 5);
  for (const f of after) stream.pushAudio(f);
  a.current = { ...a.current, state: 'stopped' };
  a.streams[0]!.emit(lost);
  await flush();

  // b got the audio from the grid point before 1.0 s (0.992 s) on, and no finalize.
  const replayed = Buffer.concat(b.streams[0]!.frames);
  assert.equal(replayed.length, (16000 - 15872) * 2 + 5 * 3200);
  assert.equal(replayed[0], 9);
  assert.equal(replayed.at(-1), 14);
  assert.deepEqual(b.streams[0]!.controls, []);

  stream.control({ type: 'close' });
  await stream.done;
  const types = events.map((e) => e.type);
  assert.equal(types.filter((t) => t === 'ready').length, 1);
  assert.equal(types.filter((t) => t === 'error').length, 0);
  const finalEnds = events.flatMap((e) => (e.type === 'final' ? [e.end_s] : []));
  // b's final covers its replayed audio, placed after 0.992 s on the stream's timeline.
  assert.deepEqual(finalEnds, [1, 0.992 + replayed.length / 32000]);
  const closed = events.at(-1);
  assert.equal(closed?.type === 'closed' && closed.audio_s, 1.5);
});

test('moveAtNextFinal: after the next final the session reopens on the new model, replaying the audio since', async () => {
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  fabric.register(a);
  const events: StreamEvent[] = [];
  const moves: string[] = [];
  const stream = await withStreamFailover(fabric, {
    observer: { moved: (_s, model, ok) => moves.push(`${model}:${ok}`) },
  }).openStream({ ...request, model: 'v1' }, (e) => events.push(e));
  for (const f of frames(0, 10)) stream.pushAudio(f);
  stream.moveAtNextFinal?.({ ...request, model: 'v2' });
  await flush();
  assert.equal(a.streams.length, 1, 'nothing moves before a final');
  stream.control({ type: 'finalize' }); // v1: final over 1.0 s; the move starts opening
  for (const f of frames(10, 5)) stream.pushAudio(f); // reaches v1 while v2 opens
  await flush();

  assert.deepEqual(
    a.streams.map((s) => s.request.model),
    ['v1', 'v2'],
  );
  assert.equal(a.streams[0]!.aborted, true, 'the old session is dropped once the new one has it');
  const replayed = Buffer.concat(a.streams[1]!.frames);
  assert.equal(replayed.length, (16000 - 15872) * 2 + 5 * 3200, 'from the last final on');
  assert.equal(replayed.at(-1), 14);
  assert.equal(a.streams[1]!.request.sessionId, request.sessionId);
  stream.pushAudio(frames(15, 1)[0]!);
  assert.equal(a.streams[1]!.frames.at(-1)?.[0], 15, 'new audio goes to the new session');
  assert.equal(a.streams[0]!.frames.length, 15, 'and no longer to the old one');

  stream.control({ type: 'close' });
  await stream.done;
  assert.deepEqual(moves, ['v2:true']);
  const types = events.map((e) => e.type);
  assert.equal(types.filter((t) => t === 'ready').length, 1);
  const finalEnds = events.flatMap((e) => (e.type === 'final' ? [e.end_s] : []));
  assert.equal(finalEnds.length, 2, 'one final per utterance: v1 then v2');
  assert.equal(finalEnds[0], 1);
});

test('a move that cannot open leaves the stream where it was', async () => {
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  fabric.register(a);
  const moves: string[] = [];
  const stream = await withStreamFailover(fabric, {
    observer: { moved: (_s, model, ok) => moves.push(`${model}:${ok}`) },
  }).openStream({ ...request, model: 'v1' }, () => undefined);
  stream.moveAtNextFinal?.({ ...request, model: 'v2' });
  a.refuseWith = new VoxfleetError('MODEL_NOT_FOUND', 'no v2 here');
  stream.pushAudio(frames(0, 1)[0]!);
  stream.control({ type: 'finalize' });
  await flush();
  a.refuseWith = undefined;
  stream.pushAudio(frames(1, 1)[0]!);
  assert.deepEqual(moves, ['v2:false']);
  assert.equal(a.streams.length, 1);
  assert.equal(a.streams[0]!.frames.length, 2, 'the old session still has the stream');
  stream.abort();
});

test('no worker to move to: retried on the backoff, then the stream gets the last error', async () => {
  const clock = new ManualClock();
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  fabric.register(a);
  const events: StreamEvent[] = [];
  const stream = await withStreamFailover(fabric, { clock }).openStream(request, (e) =>
    events.push(e),
  );
  stream.pushAudio(new Uint8Array(3200));
  a.current = { ...a.current, state: 'stopped' };
  a.streams[0]!.emit(lost);
  await flush();
  for (const step of DEFAULT_FAILOVER_POLICY.backoffMs) {
    clock.advance(step);
    await flush();
  }
  await stream.done;
  const last = events.at(-1);
  assert.equal(last?.type === 'error' && last.code, 'NOT_READY');
  assert.equal(clock.pendingTimers(), 0);
});

test('a worker that comes back during the backoff takes the stream over', async () => {
  const clock = new ManualClock();
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  fabric.register(a);
  const events: StreamEvent[] = [];
  const stream = await withStreamFailover(fabric, { clock }).openStream(request, (e) =>
    events.push(e),
  );
  stream.pushAudio(new Uint8Array(3200).fill(7));
  a.current = { ...a.current, state: 'stopped' };
  a.streams[0]!.emit(lost);
  await flush();
  const b = new FakeWorker('b');
  fabric.register(b);
  clock.advance(delayFor(DEFAULT_FAILOVER_POLICY, 1));
  await flush();
  assert.equal(b.streams.length, 1);
  assert.equal(Buffer.concat(b.streams[0]!.frames).length, 3200);
  stream.control({ type: 'close' });
  await stream.done;
  assert.equal(events.at(-1)?.type, 'closed');
});

test('only a lost worker fails over; errors the stream caused reach the client', () => {
  assert.ok(isFailoverCause('WORKER_LOST'));
  assert.ok(!isFailoverCause('AUDIO_FRAME_MISALIGNED'));
  assert.ok(!isFailoverCause('SESSION_IDLE_TIMEOUT'));
  assert.equal(delayFor(DEFAULT_FAILOVER_POLICY, 0), 0);
  assert.equal(delayFor(DEFAULT_FAILOVER_POLICY, 99), DEFAULT_FAILOVER_POLICY.backoffMs.at(-1));
});

test('a stream silent for minutes can still fail over, with its times right', async () => {
  const fabric = new InProcessFabric();
  const a = new FakeWorker('a');
  const b = new FakeWorker('b', { activeStreams: 3 });
  fabric.register(a);
  fabric.register(b);
  const events: StreamEvent[] = [];
  const stream = await withStreamFailover(fabric).openStream(request, (e) => events.push(e));
  for (const f of frames(0, 1200)) stream.pushAudio(f); // 120 s, no speech reported
  a.current = { ...a.current, state: 'stopped' };
  a.streams[0]!.emit(lost);
  await flush();
  const replayed = Buffer.concat(b.streams[0]!.frames).length / 32000;
  assert.ok(replayed >= 5 && replayed <= 10, `${replayed} s replayed`);
  stream.control({ type: 'close' });
  await stream.done;
  const closed = events.at(-1);
  assert.equal(closed?.type === 'closed' && closed.audio_s, 120);
});
