import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ManualClock,
  VoxfleetError,
  type StreamEvent,
  type StreamOpenRequest,
} from '../../core/index.js';
import { InProcessFabric, type StreamChannel, type WorkerEndpoint } from '../../fabric/index.js';
import { FakeWorker } from '../../fabric/testing/fake-worker.js';
import { PCM16_STREAM_REQUEST } from '../../fabric/testing/stream-request.js';
import { ShadowEvidence } from './shadow-evidence.js';
import { ShadowBudget, openWithShadow } from './shadow-stream.js';

const BASE = 'tiny@1.0.0';
const CAND = 'base@1.0.0';
const request: StreamOpenRequest = { ...PCM16_STREAM_REQUEST, sessionId: 'sess_1', model: BASE };
/** The candidate shadowing each stream, for rollout r1's shadow step. */
const SHADOW = { model: CAND, rolloutId: 'r1', step: 'shadow' };

/** Says "the quick brown fox" as the baseline and "the quick brown fax" as the candidate. */
class TwoVersions implements WorkerEndpoint {
  readonly opened: StreamOpenRequest[] = [];
  readonly aborted: string[] = [];
  refuseNext = false;
  /** When set, the candidate answers a control only once this settles (a slower shadow). */
  candidateLag: Promise<void> | undefined;
  private readonly fake = new FakeWorker('w1');
  status() {
    return this.fake.status();
  }
  transcribe = this.fake.transcribe.bind(this.fake);
  synthesize = this.fake.synthesize.bind(this.fake);
  async openStream(
    r: StreamOpenRequest,
    onEvent: (e: StreamEvent) => void,
  ): Promise<StreamChannel> {
    if (this.refuseNext) {
      this.refuseNext = false;
      throw new VoxfleetError('OVER_CAPACITY', 'full');
    }
    this.opened.push(r);
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    onEvent({ type: 'ready', session_id: r.sessionId, model: r.model ?? '', model_version: '1' });
    return {
      pushAudio: () => onEvent({ type: 'partial', text: 'the quick', stable_text: '', start_s: 0 }),
      control: (m) => {
        const answer = (): void => {
          const text = r.model === CAND ? 'the quick brown fax' : 'the quick brown fox';
          onEvent({ type: 'final', text, start_s: 0, end_s: 1, words: [], language: 'en' });
          if (m.type === 'close') {
            onEvent({ type: 'closed', audio_s: 1 });
            resolveDone();
          }
        };
        if (r.model === CAND && this.candidateLag !== undefined)
          void this.candidateLag.then(answer);
        else answer();
      },
      abort: () => {
        this.aborted.push(r.sessionId);
        resolveDone();
      },
      done,
    };
  }
}

function setUp(maxStreams = 4) {
  const worker = new TwoVersions();
  const fabric = new InProcessFabric();
  fabric.register(worker);
  const deps = {
    budget: new ShadowBudget(maxStreams),
    evidence: new ShadowEvidence(),
    clock: new ManualClock(0),
  };
  return { worker, fabric, deps };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('the candidate hears everything, the client hears only the primary, the figures are kept', async () => {
  const { worker, fabric, deps } = setUp();
  const events: StreamEvent[] = [];
  const channel = await openWithShadow(fabric, request, SHADOW, (e) => events.push(e), deps);
  channel.pushAudio(new Uint8Array(32000));
  channel.control({ type: 'close' });
  await channel.done;
  await settle();
  assert.deepEqual(
    worker.opened.map((r) => [r.sessionId, r.model]),
    [
      ['sess_1', BASE],
      ['sess_1-shadow', CAND],
    ],
  );
  assert.equal(worker.opened[1]?.background, true, 'the shadow decodes in the batch share');
  assert.deepEqual(
    events.filter((e) => e.type === 'final').map((e) => e.type === 'final' && e.text),
    ['the quick brown fox'],
    'the candidate text never reaches the client',
  );
  const ev = deps.evidence.evidence('r1', 'shadow');
  assert.equal(ev.sessions, 1);
  assert.ok(Math.abs(ev.audioMinutes - 1 / 60) < 1e-9);
  assert.equal(ev.candidate.word_disagreement, 0.25);
  assert.equal(ev.candidate.empty_final_rate, 0);
  assert.deepEqual(deps.evidence.evidence('r1', 'canary').sessions, 0, 'per step');
  assert.equal(deps.budget.active, 0);
});

test('a client that hangs up once its session ended leaves a slower shadow to finish and be compared', async () => {
  const { worker, fabric, deps } = setUp();
  let catchUp!: () => void;
  worker.candidateLag = new Promise<void>((r) => (catchUp = r));
  const channel = await openWithShadow(fabric, request, SHADOW, () => undefined, deps);
  channel.pushAudio(new Uint8Array(32000));
  channel.control({ type: 'close' });
  await channel.done;
  channel.abort(); // the socket closes after `closed`, as clients do
  assert.deepEqual(worker.aborted, ['sess_1'], 'only the ended primary');
  catchUp();
  await settle();
  await settle();
  assert.equal(deps.evidence.evidence('r1', 'shadow').candidate.word_disagreement, 0.25);
});

test('over the cap no shadow is opened (shed, counted); the primary is untouched', async () => {
  const { worker, fabric, deps } = setUp(0);
  const channel = await openWithShadow(fabric, request, SHADOW, () => undefined, deps);
  channel.control({ type: 'close' });
  await channel.done;
  assert.equal(worker.opened.length, 1);
  assert.equal(deps.evidence.shed, 1);
  assert.equal(deps.evidence.evidence('r1', 'shadow').sessions, 0);
});

test('a primary refused for capacity stops a shadow to make room, then gets in', async () => {
  const { worker, fabric, deps } = setUp();
  const first = await openWithShadow(fabric, request, SHADOW, () => undefined, deps);
  await settle();
  assert.equal(deps.budget.active, 1);
  worker.refuseNext = true;
  const second = await openWithShadow(
    fabric,
    { ...request, sessionId: 'sess_2' },
    SHADOW,
    () => undefined,
    deps,
  );
  assert.deepEqual(worker.aborted, ['sess_1-shadow'], 'the oldest shadow was stopped');
  assert.ok(worker.opened.some((r) => r.sessionId === 'sess_2'));
  first.abort();
  second.abort();
});

test('concurrent opens cannot overshoot the cap: places are taken before the shadows are open', async () => {
  const { worker, fabric, deps } = setUp(1);
  const [a, b] = await Promise.all(
    ['s_a', 's_b'].map((id) =>
      openWithShadow(fabric, { ...request, sessionId: id }, SHADOW, () => undefined, deps),
    ),
  );
  await settle();
  assert.equal(worker.opened.filter((r) => r.sessionId.endsWith('-shadow')).length, 1);
  assert.equal(deps.evidence.shed, 1);
  assert.equal(deps.budget.active, 1);
  a?.abort();
  b?.abort();
  await settle();
  assert.equal(deps.budget.active, 0);
});
