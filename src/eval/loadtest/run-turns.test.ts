import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxfleetError } from '../../core/index.js';
import type { StreamProtocol, StreamSession, StreamUpdate } from './protocols/index.js';
import { runStreamTurn, type PreparedItem, type TurnContext } from './run-turns.js';
import type { LoadClock } from './schedule.js';

/** Virtual time: a sleep moves the clock on at once. */
function createStepClock(): LoadClock & { advance(ms: number): void } {
  let now = 1000;
  return {
    now: () => now,
    sleep: async (ms) => void (now += Math.max(0, ms)),
    advance: (ms) => void (now += ms),
  };
}

interface Script {
  /** Updates the server sends right after the n-th audio frame (1-based). */
  readonly afterFrame?: Readonly<Record<number, StreamUpdate[]>>;
  /** After the end of the audio: wait this long, then these updates. */
  readonly atEnd?: readonly { readonly afterMs: number; readonly updates: StreamUpdate[] }[];
  readonly refuse?: VoxfleetError;
}

/** A scripted protocol: no sockets, updates at set points of the stream. */
function scriptedProtocol(
  speechTimes: 'server' | 'client',
  clock: ReturnType<typeof createStepClock>,
  script: Script,
): StreamProtocol {
  return {
    name: 'scripted',
    speechTimes,
    async open() {
      if (script.refuse) throw script.refuse;
      let listener: (u: readonly StreamUpdate[]) => void = () => {};
      let frames = 0;
      const session: StreamSession = {
        onUpdates: (l) => void (listener = l),
        sendAudio: () => {
          const updates = script.afterFrame?.[++frames];
          if (updates) listener(updates);
        },
        finish: async () => {
          for (const step of script.atEnd ?? []) {
            clock.advance(step.afterMs);
            listener(step.updates);
          }
        },
        terminate: () => {},
      };
      return session;
    },
  };
}

/** 3 s of PCM in 100 ms frames; speech measured from 0.5 to 2.5 s. */
const PREPARED: PreparedItem = {
  item: { id: 'u1', audioPath: '/dev/null', text: 'the cat sat down', tags: [], line: 1 },
  bytes: new Uint8Array(0),
  pcm: new Uint8Array(3 * 16000 * 2),
  audioS: 3,
  speech: { startS: 0.5, endS: 2.5 },
};

function context(protocol: StreamProtocol, clock: LoadClock): TurnContext {
  return {
    baseUrl: 'http://127.0.0.1:1',
    model: undefined,
    language: 'en',
    frameMs: 100,
    protocol,
    clock,
    t0Ms: 1000,
    signal: new AbortController().signal,
  };
}

test('client speech times: first partial from speech start, final from speech end', async () => {
  const clock = createStepClock();
  // Frame n goes out n * 100 ms after the start, once its audio has been spoken (as from a
  // microphone); speech starts at 500 ms.
  const protocol = scriptedProtocol('client', clock, {
    afterFrame: {
      11: [{ type: 'partial', text: 'the cat' }],
      20: [
        { type: 'final', text: 'the' },
        { type: 'partial', text: 'cap sat' },
      ],
    },
    // The audio ends at 3000 ms; the last final comes 700 ms later, 1200 ms after speech end.
    atEnd: [{ afterMs: 700, updates: [{ type: 'final', text: 'cat sat down' }] }],
  });
  const r = await runStreamTurn(PREPARED, 0, context(protocol, clock));
  assert.equal(r.error, undefined);
  assert.equal(r.firstPartialMs, 600);
  assert.equal(r.finalMs, 1200);
  assert.equal(r.hyp, 'the cat sat down');
  // "the cat" -> "the | cap sat": "cat" rewritten (1 of 2); "cap sat" -> "cat sat down": 2 of 2.
  assert.deepEqual([r.rewrittenWords, r.shownWords], [3, 4]);
});

test('client speech times: no partial before the speech, no final latency before its end', async () => {
  const clock = createStepClock();
  const protocol = scriptedProtocol('client', clock, {
    afterFrame: {
      4: [{ type: 'partial', text: 'uh' }],
      8: [{ type: 'partial', text: 'the' }],
      20: [{ type: 'final', text: 'the cat' }],
    },
  });
  const r = await runStreamTurn(PREPARED, 0, context(protocol, clock));
  assert.equal(r.error, undefined);
  assert.equal(r.finalMs, undefined);
  // A partial that came before the speech (by the client's measure) was sent does not count.
  assert.equal(r.firstPartialMs, 300);
  assert.equal(r.hyp, 'the cat');
});

test("server speech times: the server's speech start and word end are used", async () => {
  const clock = createStepClock();
  const protocol = scriptedProtocol('server', clock, {
    afterFrame: {
      4: [{ type: 'partial', text: 'noise' }],
      5: [{ type: 'speech_started', startS: 0.3 }],
      6: [{ type: 'partial', text: 'the' }],
    },
    atEnd: [{ afterMs: 100, updates: [{ type: 'final', text: 'the cat', endS: 2 }] }],
  });
  const r = await runStreamTurn(PREPARED, 0, context(protocol, clock));
  assert.equal(r.firstPartialMs, 300);
  assert.equal(r.finalMs, 1100);
});

test('a refusal at open is atOpen; an error update fails the turn after it opened', async () => {
  const clock = createStepClock();
  const refused = await runStreamTurn(
    PREPARED,
    0,
    context(
      scriptedProtocol('client', clock, { refuse: new VoxfleetError('OVER_CAPACITY', 'busy') }),
      clock,
    ),
  );
  assert.deepEqual(refused.error, { code: 'OVER_CAPACITY', atOpen: true });
  const broken = await runStreamTurn(
    PREPARED,
    0,
    context(
      scriptedProtocol('client', clock, {
        afterFrame: { 3: [{ type: 'error', error: new VoxfleetError('ENGINE_FAILED', 'x') }] },
      }),
      clock,
    ),
  );
  assert.deepEqual(broken.error, { code: 'ENGINE_FAILED', atOpen: false });
});
