import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, VoxfleetError, type StreamOpenRequest } from '../core/index.js';
import { InProcessFabric, withStreamFailover, type FabricClient } from '../fabric/index.js';
import { FakeWorker, fakeAsrDescriptor } from '../fabric/testing/fake-worker.js';
import { PCM16_STREAM_REQUEST } from '../fabric/testing/stream-request.js';
import {
  MemoryVersionedStore,
  RolloutStore,
  parsePlan,
  rollback,
  start,
} from '../release/index.js';
import { ReleaseBoard } from './release-board.js';
import { withReleasePinning } from './release-pinning.js';
import { ServingEvidence } from './shadow/serving-evidence.js';
import { ShadowEvidence } from './shadow/shadow-evidence.js';
import { ShadowBudget } from './shadow/shadow-stream.js';

const BASE = 'whisper-tiny.en@1.0.0';
const CAND = 'whisper-base@1.0.0';
const plan = parsePlan({
  id: 'r1',
  model: 'asr-en',
  baseline: BASE,
  candidate: CAND,
  steps: [
    {
      name: 'full-us-west',
      kind: 'full',
      selector: { regions: ['us-west'], percent: 100 },
      minDurationS: 60,
      minSample: {},
      maxDurationS: 600,
    },
  ],
});
/** The candidate of a later rollout in one test. */
const NEXT = 'whisper-small@1.0.0';

/** A worker that has every version loaded (synced), as its heartbeat says. */
function workerServing(id: string, refs: readonly string[] = [BASE, CAND, NEXT]): FakeWorker {
  return new FakeWorker(id, { models: refs.map(fakeAsrDescriptor) });
}

const stream = (sessionId: string, model?: string): StreamOpenRequest => ({
  ...PCM16_STREAM_REQUEST,
  sessionId,
  ...(model !== undefined ? { model } : {}),
});

async function setUp() {
  const clock = new ManualClock(0);
  const rollouts = new RolloutStore(new MemoryVersionedStore());
  await rollouts.register(plan);
  await rollouts.apply(plan.id, ({ plan: p, state }) => start(p, state, 0, 'alice'));
  const board = await ReleaseBoard.start(rollouts, clock, 500);
  const worker = workerServing('w1');
  const fabric = new InProcessFabric();
  fabric.register(worker);
  return { clock, rollouts, board, worker, fabric };
}

test('streams asking for the released name get the version the rollout assigns, pinned at open', async () => {
  const { board, worker, fabric } = await setUp();
  const usWest = withReleasePinning(fabric, board, { region: 'us-west', tenant: 't1' });
  const euWest = withReleasePinning(fabric, board, { region: 'eu-west', tenant: 't1' });
  await usWest.openStream(stream('s1', 'asr-en'), () => undefined);
  await euWest.openStream(stream('s2', 'asr-en'), () => undefined);
  await usWest.openStream(stream('s3', 'whisper-tiny.en@1.0.0'), () => undefined);
  await usWest.openStream(stream('s4', 'other-model'), () => undefined);
  assert.deepEqual(
    worker.streams.map((s) => s.request.model),
    [CAND, BASE, 'whisper-tiny.en@1.0.0', 'other-model'],
  );
  board.close();
});

test('a rollback reaches new sessions at the next refresh; open sessions keep their version', async () => {
  const { clock, rollouts, board, worker, fabric } = await setUp();
  const seen: string[] = [];
  const client = withReleasePinning(fabric, board, { region: 'us-west' }, (_k, a) =>
    seen.push(a.because),
  );
  const open = await client.openStream(stream('s1', 'asr-en'), () => undefined);
  await rollouts.apply(plan.id, ({ state }) => rollback(state, 1000, 'ops', 'test'));
  clock.advance(500);
  await board.refresh();
  await client.openStream(stream('s2', 'asr-en'), () => undefined);
  assert.deepEqual(
    worker.streams.map((s) => s.request.model),
    [CAND, BASE],
  );
  assert.deepEqual(seen, ['step full-us-west', 'rolled back']);
  open.abort();
  board.close();
});

test('an emergency rollback (move_at_next_final) moves open candidate streams to the baseline at their next final', async () => {
  const clock = new ManualClock(0);
  const rollouts = new RolloutStore(new MemoryVersionedStore());
  const emergency = parsePlan({
    ...plan,
    id: 'r-move',
    openStreamsOnRollback: 'move_at_next_final',
  });
  await rollouts.register(emergency);
  await rollouts.apply(emergency.id, ({ plan: p, state }) => start(p, state, 0, 'alice'));
  const board = await ReleaseBoard.start(rollouts, clock, 500);
  const worker = workerServing('w1');
  const fabric = new InProcessFabric();
  fabric.register(worker);
  // As gateways compose them: pinning above failover, whose streams can move.
  const client = withReleasePinning(withStreamFailover(fabric), board, { region: 'us-west' });
  const readies: string[] = [];
  const open = await client.openStream(stream('s1', 'asr-en'), (e) => {
    if (e.type === 'ready') readies.push(e.model);
  });
  open.pushAudio(new Uint8Array(3200));
  await rollouts.apply(emergency.id, ({ state }) => rollback(state, 1000, 'ops', 'bad canary'));
  await board.refresh();
  open.pushAudio(new Uint8Array(3200)); // the gateway sees the rollback: move at the next final
  assert.equal(worker.streams.length, 1, 'not mid-utterance');
  open.control({ type: 'finalize' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    worker.streams.map((s) => s.request.model),
    [CAND, BASE],
  );
  assert.equal(worker.streams[0]!.aborted, true);
  const sent = worker.streams[0]!.frames.length;
  open.pushAudio(new Uint8Array(3200).fill(7));
  assert.equal(worker.streams[1]!.frames.at(-1)?.[0], 7, 'the stream goes on, on the baseline');
  assert.equal(worker.streams[0]!.frames.length, sent);
  assert.equal(readies.length, 1, 'the client saw one stream');
  open.abort();
  board.close();
});

test("speech for a step's callers is timed to its first audio byte, per version; a failure counts as an error", async () => {
  const { clock, board, worker, fabric } = await setUp();
  const serving = new ServingEvidence();
  const deps = { budget: new ShadowBudget(), evidence: new ShadowEvidence(), serving, clock };
  // The voice takes 120 ms to answer.
  const slow: FabricClient = {
    workers: () => fabric.workers(),
    models: () => fabric.models(),
    close: () => fabric.close(),
    transcribe: (...args) => fabric.transcribe(...args),
    openStream: (...args) => fabric.openStream(...args),
    synthesize: async (...args) => {
      clock.advance(120);
      return fabric.synthesize(...args);
    },
  };
  const client = withReleasePinning(
    slow,
    board,
    { region: 'us-west', tenant: 't1' },
    undefined,
    deps,
  );
  const speech = await client.synthesize({ model: 'asr-en', input: '3', voice: 'joe' } as never);
  for await (const chunk of speech.chunks) assert.ok(chunk.length > 0);
  worker.refuseWith = new VoxfleetError('INTERNAL', 'voice broke');
  await assert.rejects(client.synthesize({ model: 'asr-en', input: '3' } as never));
  const figures = serving.figures(plan.id, 'full-us-west');
  assert.equal(figures.candidate.sessions, 2);
  assert.deepEqual(figures.candidateFigures, { error_rate: 0.5, tts_first_byte_p95_ms: 120 });
  board.close();
});

test('files are assigned per request, sticky per tenant', async () => {
  const { board, worker, fabric } = await setUp();
  const client = withReleasePinning(fabric, board, { region: 'us-west', tenant: 'acme' });
  for (let i = 0; i < 3; i++)
    await client.transcribe({ model: 'asr-en', task: 'transcribe', audio: new Uint8Array(64) });
  assert.deepEqual(
    worker.transcribeRequests.map((r) => r.model),
    [CAND, CAND, CAND],
  );
  board.close();
});

test('the most recently started rollout of a name decides; a pending one does not', async () => {
  const { rollouts, board, worker, fabric } = await setUp();
  const next = parsePlan({ ...plan, id: 'r2', baseline: CAND, candidate: NEXT });
  await rollouts.register(next);
  await board.refresh();
  const client = withReleasePinning(fabric, board, { region: 'us-west' });
  await client.openStream(stream('s1', 'asr-en'), () => undefined);
  await rollouts.apply('r1', ({ state }) => rollback(state, 1, 'ops', 'superseded'));
  await rollouts.apply('r2', ({ plan: p, state }) => start(p, state, 2, 'ops'));
  await board.refresh();
  await client.openStream(stream('s2', 'asr-en'), () => undefined);
  assert.deepEqual(
    worker.streams.map((s) => s.request.model),
    [CAND, NEXT],
  );
  board.close();
});

test('the candidate only where a worker serves it: until it is synced, callers keep the baseline', async () => {
  const { board, fabric } = await setUp();
  const lagging = workerServing('w2', [BASE]);
  const only = new InProcessFabric();
  only.register(lagging);
  const seen: string[] = [];
  const client = withReleasePinning(only, board, { region: 'us-west' }, (_k, a) =>
    seen.push(a.because),
  );
  await client.openStream(stream('s1', 'asr-en'), () => undefined);
  assert.deepEqual(
    lagging.streams.map((s) => s.request.model),
    [BASE],
  );
  // The same rollout through a fabric whose worker has the candidate: it is served.
  const synced = withReleasePinning(fabric, board, { region: 'us-west' }, (_k, a) =>
    seen.push(a.because),
  );
  await synced.openStream(stream('s2', 'asr-en'), () => undefined);
  assert.deepEqual(seen, ['whisper-base@1.0.0 not synced here yet', 'step full-us-west']);
  board.close();
});
