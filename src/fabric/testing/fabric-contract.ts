/**
 * The one contract every fabric passes: the in-process fabric runs it as a unit test, the NATS
 * fabric against a real nats-server (test/fabric-nats-contract.test.ts). Workers are FakeWorkers
 * so each test can see exactly what crossed the fabric.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { VoxfleetError, type StreamEvent } from '../../core/index.js';
import type { FabricClient } from '../contract.js';
import { FakeWorker, checksum } from './fake-worker.js';

export interface FabricUnderTest {
  readonly client: FabricClient;
  /** Returns once the client sees every worker's current status (NATS: after an announcement). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export type FabricFactory = (workers: readonly FakeWorker[]) => Promise<FabricUnderTest>;

async function withFabric(
  factory: FabricFactory,
  workers: readonly FakeWorker[],
  body: (fabric: FabricUnderTest) => Promise<void>,
): Promise<void> {
  const fabric = await factory(workers);
  try {
    await body(fabric);
  } finally {
    await fabric.close();
  }
}

function collector(): { events: StreamEvent[]; onEvent: (e: StreamEvent) => void } {
  const events: StreamEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

export function fabricContract(name: string, factory: FabricFactory): void {
  void describe(`fabric contract: ${name}`, () => {
    void test('transcribe carries the upload intact (larger than one message) and segments in order', async () => {
      const worker = new FakeWorker('w-files');
      await withFabric(factory, [worker], async ({ client }) => {
        const audio = new Uint8Array(randomBytes(3 * 1024 * 1024 + 7));
        const segments: number[] = [];
        const result = await client.transcribe(
          {
            task: 'transcribe',
            language: 'en',
            audio,
            rawFormat: { encoding: 'pcm_s16le', sampleRateHz: 16000 },
          },
          { onSegment: (s) => segments.push(s.id) },
        );
        assert.equal(result.text, `${audio.length} bytes, checksum ${checksum(audio)}`);
        assert.deepEqual(segments, [0, 1, 2]);
        assert.deepEqual(worker.transcribeRequests[0]?.rawFormat, {
          encoding: 'pcm_s16le',
          sampleRateHz: 16000,
        });
      });
    });

    void test("a worker's error arrives with its code, field and retry hint", async () => {
      const worker = new FakeWorker('w-refuses');
      await withFabric(factory, [worker], async ({ client }) => {
        worker.refuseWith = new VoxfleetError('OVER_CAPACITY', 'full', { retryAfterMs: 2000 });
        await assert.rejects(
          client.openStream(streamRequest('s1'), () => undefined),
          (err) => {
            assert.ok(err instanceof VoxfleetError);
            assert.equal(err.code, 'OVER_CAPACITY');
            assert.equal(err.details.retryAfterMs, 2000);
            return true;
          },
        );
        worker.refuseWith = new VoxfleetError('INVALID_ARGUMENT', "'language' is bad", {
          field: 'language',
        });
        await assert.rejects(
          client.transcribe({ task: 'transcribe', audio: new Uint8Array(4) }),
          (err) =>
            err instanceof VoxfleetError &&
            err.code === 'INVALID_ARGUMENT' &&
            err.details.field === 'language',
        );
      });
    });

    void test('with no worker every call is NOT_READY with a retry hint', async () => {
      await withFabric(factory, [], async ({ client }) => {
        const notReady = (err: unknown): boolean =>
          err instanceof VoxfleetError &&
          err.code === 'NOT_READY' &&
          (err.details.retryAfterMs ?? 0) > 0;
        await assert.rejects(
          client.openStream(streamRequest('s2'), () => undefined),
          notReady,
        );
        await assert.rejects(
          client.transcribe({ task: 'transcribe', audio: new Uint8Array(2) }),
          notReady,
        );
        await assert.rejects(client.synthesize({ input: '1', speed: 1, format: 'wav' }), notReady);
        assert.deepEqual(client.workers(), []);
        assert.deepEqual(client.models(), []);
      });
    });

    void test('a stream carries frames intact and in order, controls after them, events in order', async () => {
      const worker = new FakeWorker('w-stream');
      await withFabric(factory, [worker], async ({ client }) => {
        const { events, onEvent } = collector();
        const channel = await client.openStream(streamRequest('s3'), onEvent);
        const frames = Array.from(
          { length: 40 },
          (_, i) => new Uint8Array(randomBytes(i === 20 ? 600 * 1024 : 320 + 2 * i)),
        );
        for (const f of frames) channel.pushAudio(f);
        channel.control({ type: 'finalize' });
        channel.control({ type: 'close' });
        await channel.done;
        const sent = Buffer.concat(frames);
        const record = worker.streams[0]!;
        assert.equal(checksum(Buffer.concat(record.frames)), checksum(sent));
        assert.deepEqual(record.controls, [{ type: 'finalize' }, { type: 'close' }]);
        assert.equal(events[0]?.type, 'ready');
        assert.equal(events.at(-1)?.type, 'closed');
        const partialBytes = events.flatMap((e) => (e.type === 'partial' ? [Number(e.text)] : []));
        assert.deepEqual(
          partialBytes,
          [...partialBytes].sort((a, b) => a - b),
          'partials out of order',
        );
        assert.equal(partialBytes.at(-1), sent.length);
        const finals = events.filter((e) => e.type === 'final');
        assert.equal(finals.length, 2);
      });
    });

    void test('abort ends the worker session and no event is delivered after it', async () => {
      const worker = new FakeWorker('w-abort');
      await withFabric(factory, [worker], async (fabric) => {
        const { client } = fabric;
        const sync = (): Promise<void> => fabric.sync();
        const { events, onEvent } = collector();
        const channel = await client.openStream(streamRequest('s4'), onEvent);
        channel.pushAudio(new Uint8Array(640));
        channel.abort();
        await channel.done;
        const seen = events.length;
        await waitUntil(() => worker.streams[0]?.aborted === true, sync);
        channel.pushAudio(new Uint8Array(640));
        await sync();
        assert.equal(events.length, seen);
      });
    });

    void test('synthesize streams chunks in order with the format; a stopped reader stops the worker', async () => {
      const worker = new FakeWorker('w-tts');
      await withFabric(factory, [worker], async (fabric) => {
        const { client } = fabric;
        const sync = (): Promise<void> => fabric.sync();
        const speech = await client.synthesize({ input: '5', speed: 1, format: 'wav' });
        assert.equal(speech.contentType, 'audio/wav');
        assert.equal(speech.sampleRateHz, 22050);
        assert.equal(speech.model, 'fake-tts');
        assert.equal(
          speech.modelVersion,
          '1.0.0',
          'the version that spoke travels with the stream',
        );
        const sizes: number[] = [];
        for await (const chunk of speech.chunks) sizes.push(chunk.length);
        assert.deepEqual(sizes, [1, 2, 3, 4, 5]);

        const controller = new AbortController();
        const long = await client.synthesize(
          { input: '100000', speed: 1, format: 'wav' },
          controller.signal,
        );
        const reader = long.chunks[Symbol.asyncIterator]();
        await reader.next();
        await reader.return?.();
        controller.abort();
        await waitUntil(() => worker.synthesisAborts.length === 1, sync);
        assert.ok(worker.synthesisAborts[0]! < 100000);
      });
    });

    void test('streams go to the least-loaded ready worker; draining workers get none; models de-duplicated', async () => {
      const busy = new FakeWorker('w-busy', { activeStreams: 6 });
      const idle = new FakeWorker('w-idle');
      await withFabric(factory, [busy, idle], async (fabric) => {
        const { client } = fabric;
        const sync = (): Promise<void> => fabric.sync();
        await sync();
        assert.deepEqual(
          client
            .workers()
            .map((w) => w.id)
            .sort(),
          ['w-busy', 'w-idle'],
        );
        assert.deepEqual(
          client.models().map((m) => `${m.name}@${m.version}`),
          ['fake-asr@1'],
        );
        const first = await client.openStream(streamRequest('s5'), () => undefined);
        assert.equal(idle.streams.length, 1);
        assert.equal(busy.streams.length, 0);
        first.abort();
        idle.current = { ...idle.current, state: 'draining' };
        await sync();
        const second = await client.openStream(streamRequest('s6'), () => undefined);
        assert.equal(busy.streams.length, 1);
        assert.equal(idle.streams.length, 1);
        second.abort();
      });
    });
  });
}

function streamRequest(sessionId: string) {
  return {
    sessionId,
    encoding: 'pcm_s16le' as const,
    sampleRateHz: 16000,
    interimResults: true,
    endpointingMs: 500,
  };
}

/** Polls a condition across round trips of the fabric (no fixed sleeps). */
async function waitUntil(condition: () => boolean, sync: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) {
    await sync();
    await new Promise((r) => setImmediate(r));
  }
  assert.ok(condition(), 'condition never held');
}
