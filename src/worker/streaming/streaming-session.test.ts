import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, type StreamEvent } from '../../core/index.js';
import { EnergyVad, FakeAsrEngine } from '../../engines/testing/fake-engines.js';
import { DEFAULT_ASR_SETTINGS } from '../model-settings.js';
import { DecodeScheduler } from '../scheduling/decode-scheduler.js';
import { StreamingSession, type StreamingObserver } from './streaming-session.js';

const RATE = 16000;

function pcm16(parts: { ms: number; amp: number }[]): Uint8Array {
  const total = parts.reduce((n, p) => n + (p.ms / 1000) * RATE, 0);
  const out = new Int16Array(total);
  let i = 0;
  for (const p of parts) {
    for (let k = 0; k < (p.ms / 1000) * RATE; k++, i++)
      out[i] = Math.round(Math.sin(k / 5) * p.amp * 32767);
  }
  return new Uint8Array(out.buffer);
}

/** 200 ms of silence, a second of speech, 600 ms of silence: one utterance. */
const ONE_UTTERANCE = pcm16([
  { ms: 200, amp: 0 },
  { ms: 1000, amp: 0.5 },
  { ms: 600, amp: 0 },
]);

async function open(
  options: {
    interim?: boolean;
    endpointingMs?: number;
    commitLongAfterMs?: number;
    splitContinuousAfterMs?: number;
    speculateAfterMs?: number;
    clock?: ManualClock;
    engine?: FakeAsrEngine;
    observer?: StreamingObserver;
    background?: boolean;
    backgroundSlots?: number;
  } = {},
) {
  const engine = options.engine ?? new FakeAsrEngine();
  const clock = options.clock ?? new ManualClock();
  const events: StreamEvent[] = [];
  const decodeClasses: string[] = [];
  const scheduler = new DecodeScheduler({
    slots: 1,
    batchSlots: 1,
    backgroundSlots: options.backgroundSlots ?? 0,
    maxQueued: 10,
    clock,
    onDecode: (cls) => decodeClasses.push(cls),
  });
  const session = await StreamingSession.open(
    {
      model: {
        descriptor: {
          name: 'fake',
          version: '1.0.0',
          kind: 'asr',
          languages: ['en'],
          sampleRateHz: RATE,
          capabilities: ['stream'],
          aliases: [],
        },
        engine,
        settings: DEFAULT_ASR_SETTINGS,
      },
      vad: new EnergyVad(),
      scheduler,
      clock,
      ...(options.observer ? { observer: options.observer } : {}),
      config: {
        partialEveryMs: 200,
        firstPartialEveryMs: 200,
        maxUtteranceMs: 20_000,
        commitLongAfterMs: options.commitLongAfterMs ?? 20_000,
        ...(options.splitContinuousAfterMs !== undefined
          ? { splitContinuousAfterMs: options.splitContinuousAfterMs }
          : {}),
        ...(options.speculateAfterMs !== undefined
          ? { speculateAfterMs: options.speculateAfterMs }
          : {}),
        padMs: 100,
        phraseGapMs: 100,
        vad: { threshold: 0.5, minSpeechMs: 100 },
      },
    },
    {
      sessionId: 's1',
      encoding: 'pcm_s16le',
      sampleRateHz: RATE,
      interimResults: options.interim ?? true,
      endpointingMs: options.endpointingMs ?? 300,
      ...(options.background === true ? { background: true } : {}),
    },
    (e) => events.push(e),
  );
  return { session, events, engine, scheduler, decodeClasses };
}

async function feed(session: StreamingSession, bytes: Uint8Array, frameMs = 40): Promise<void> {
  const step = (frameMs / 1000) * RATE * 2;
  for (let off = 0; off < bytes.length; off += step) {
    session.pushAudio(bytes.subarray(off, off + step));
    await new Promise((r) => setImmediate(r)); // let partial decodes settle, as a real socket would
  }
}

test('an utterance gives speech_started, growing partials, one final, utterance_end; close ends cleanly', async () => {
  const { session, events } = await open();
  await feed(session, ONE_UTTERANCE);
  await session.close();
  const types = events.map((e) => e.type);
  assert.equal(types[0], 'ready');
  assert.ok(types.indexOf('speech_started') < types.indexOf('partial'));
  assert.ok(types.indexOf('partial') < types.indexOf('final'));
  assert.deepEqual(types.slice(-3), ['final', 'utterance_end', 'closed']);
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 1);
  const final = finals[0]!;
  assert.equal(final.text.split(' ').length, 10, final.text);
  assert.ok(
    final.start_s <= 0.2 && final.end_s >= 1.2 && final.end_s <= 1.4,
    `${final.start_s}-${final.end_s}`,
  );
  assert.equal(final.words.length, 10);
  const closed = events.at(-1);
  assert.deepEqual(closed, { type: 'closed', audio_s: 1.8, decode_s: 0 });
});

test('closed says how long the session decoded: every partial and final decode, a discarded one too', async () => {
  const clock = new ManualClock();
  // Each decode takes 40 ms on the session's clock.
  const engine = new FakeAsrEngine((samples) => {
    clock.advance(40);
    return samples.length > 0 ? 'some words' : '';
  });
  const { session, events } = await open({ clock, engine });
  await feed(session, ONE_UTTERANCE);
  await session.close();
  const closed = events.at(-1);
  assert.equal(closed?.type, 'closed');
  assert.ok(engine.calls.length >= 2, `${engine.calls.length} decodes`);
  assert.deepEqual(closed, {
    type: 'closed',
    audio_s: 1.8,
    decode_s: Math.round(engine.calls.length * 40) / 1000,
  });
});

test('a background (shadow) session decodes as background work and is not counted as real-time load', async () => {
  const shadowEngine = new FakeAsrEngine();
  const shadow = await open({ background: true, engine: shadowEngine });
  const live = await open();
  for (const { session } of [shadow, live]) await feed(session, ONE_UTTERANCE);
  await shadow.session.close();
  await live.session.close();
  assert.equal(shadow.events.filter((e) => e.type === 'final').length, 1, 'it still transcribes');
  assert.ok(shadow.decodeClasses.length > 1);
  assert.ok(
    shadow.decodeClasses.every((c) => c === 'background'),
    String(shadow.decodeClasses),
  );
  assert.ok(
    shadowEngine.calls.every((c) => c.options.background === true),
    'the engine may run them on its low-priority threads',
  );
  assert.equal(shadow.scheduler.ledger.window().streamAudioS, 0);
  // Its final was decoded at the phrase end, before the endpoint confirmed it.
  assert.ok(live.decodeClasses.includes('speculative_final'), String(live.decodeClasses));
  assert.ok(live.decodeClasses.includes('first_partial'));
  assert.ok(live.scheduler.ledger.window().streamAudioS > 1.7);
});

test("with background slots a live session's refresh partials go to the low-priority threads, its finals and first partials never", async () => {
  const engine = new FakeAsrEngine();
  const live = await open({ engine, backgroundSlots: 1 });
  await feed(
    live.session,
    pcm16([
      { ms: 3000, amp: 0.5 },
      { ms: 700, amp: 0 },
    ]),
  );
  await live.session.close();
  const byPass = (background: boolean) =>
    engine.calls.filter((c) => (c.options.background === true) === background);
  assert.ok(byPass(true).length > 0, 'refresh partials ran');
  assert.ok(byPass(true).every((c) => c.options.pass === 'partial'));
  assert.ok(byPass(false).some((c) => c.options.pass === 'live_final'));
  assert.ok(
    byPass(false).some((c) => c.options.pass === 'partial'),
    'the first partial',
  );
  assert.equal(live.events.filter((e) => e.type === 'final').length, 1);
});

test('stable_text only grows and text always starts with it', async () => {
  const { session, events } = await open({ endpointingMs: 1000 });
  await feed(session, pcm16([{ ms: 2500, amp: 0.5 }]));
  await session.close();
  const partials = events.filter((e) => e.type === 'partial');
  assert.ok(partials.length >= 5, `partials: ${partials.length}`);
  for (let i = 0; i < partials.length; i++) {
    const p = partials[i]!;
    assert.ok(p.text.startsWith(p.stable_text));
    if (i > 0) assert.ok(p.stable_text.startsWith(partials[i - 1]!.stable_text));
  }
  assert.ok(partials.at(-1)!.stable_text.length > 0);
});

test('finalize ends the utterance at once; the next speech is a new utterance', async () => {
  const { session, events } = await open({ endpointingMs: 2000 });
  await feed(session, pcm16([{ ms: 600, amp: 0.5 }]));
  session.control({ type: 'finalize' });
  await feed(
    session,
    pcm16([
      { ms: 300, amp: 0 },
      { ms: 400, amp: 0.5 },
    ]),
  );
  await session.close();
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 2);
  assert.ok(finals[0]!.end_s <= finals[1]!.start_s + 1e-9, 'finals overlap');
});

test("each decode of an utterance gets the previous decode's draft; a new utterance starts without", async () => {
  const engine = new FakeAsrEngine(undefined, true);
  const { session, events } = await open({ engine, endpointingMs: 2000 });
  await feed(session, pcm16([{ ms: 600, amp: 0.5 }]));
  session.control({ type: 'finalize' });
  await feed(session, pcm16([{ ms: 300, amp: 0 }]));
  const firstUtterance = engine.calls.length;
  await feed(session, pcm16([{ ms: 400, amp: 0.5 }]));
  await session.close();
  assert.equal(events.filter((e) => e.type === 'final').length, 2);
  const utterances = [engine.calls.slice(0, firstUtterance), engine.calls.slice(firstUtterance)];
  for (const calls of utterances) {
    assert.ok(calls.length >= 3, `${calls.length} decodes`);
    assert.equal(calls[0]!.options.draft, undefined);
    for (let i = 1; i < calls.length; i++) {
      // The fake's draft is the length it decoded: each decode starts from the one before.
      assert.deepEqual(calls[i]!.options.draft?.tokens, [calls[i - 1]!.samples], `decode ${i}`);
    }
  }
});

test('silence alone gives no final with text and no partials', async () => {
  const { session, events, engine } = await open();
  await feed(session, pcm16([{ ms: 3000, amp: 0 }]));
  await session.close();
  assert.deepEqual(
    events.map((e) => e.type),
    ['ready', 'closed'],
  );
  assert.equal(engine.calls.length, 0, 'silence must not be decoded');
});

test('interim_results false sends finals only', async () => {
  const { session, events } = await open({ interim: false });
  await feed(
    session,
    pcm16([
      { ms: 800, amp: 0.5 },
      { ms: 500, amp: 0 },
    ]),
  );
  await session.close();
  assert.equal(events.filter((e) => e.type === 'partial').length, 0);
  assert.equal(events.filter((e) => e.type === 'final').length, 1);
});

test('a frame that is not a whole number of samples ends the session with AUDIO_FRAME_MISALIGNED', async () => {
  const { session, events } = await open();
  session.pushAudio(new Uint8Array(3));
  await session.done;
  const err = events.find((e) => e.type === 'error');
  assert.equal(err?.type === 'error' ? err.code : undefined, 'AUDIO_FRAME_MISALIGNED');
  session.pushAudio(new Uint8Array(4)); // ignored after the end
  assert.equal(events.filter((e) => e.type === 'error').length, 1);
});

test('a WAV header on the first frame is checked against the declared rate', async () => {
  const { session, events } = await open();
  const header = new Uint8Array(44);
  const v = new DataView(header.buffer);
  header.set([82, 73, 70, 70], 0);
  header.set([87, 65, 86, 69], 8);
  header.set([102, 109, 116, 32], 12);
  v.setUint32(16, 16, true);
  v.setUint32(24, 8000, true);
  header.set([100, 97, 116, 97], 36);
  session.pushAudio(header);
  await session.done;
  const err = events.find((e) => e.type === 'error');
  assert.equal(err?.type === 'error' ? err.code : undefined, 'AUDIO_SAMPLE_RATE_MISMATCH');
});

test('abort drops pending work and sends nothing more', async () => {
  const { session, events } = await open();
  await feed(session, pcm16([{ ms: 800, amp: 0.5 }]));
  const before = events.length;
  session.abort();
  await session.done;
  await session.close();
  assert.equal(events.length, before);
});

/** Two half-second phrases `pauseMs` apart: a phrase gap (100 ms), not an endpoint (600 ms). */
const twoPhrases = (pauseMs: number): Uint8Array =>
  pcm16([
    { ms: 100, amp: 0 },
    { ms: 500, amp: 0.5 },
    { ms: pauseMs, amp: 0 },
    { ms: 500, amp: 0.5 },
    { ms: 900, amp: 0 },
  ]);

test('pauses shorter than the endpointing join phrases into one final; the speculative decode is reused', async () => {
  const speculations: string[] = [];
  const { session, events, engine } = await open({
    endpointingMs: 600,
    observer: { speculation: (outcome) => speculations.push(outcome) },
  });
  await feed(session, twoPhrases(300));
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 1, 'one utterance');
  assert.equal(finals[0]!.words.length, finals[0]!.text.split(' ').length);
  const finalPasses = engine.calls.filter((c) => c.options.pass === 'live_final');
  // One speculative decode per phrase; the endpoint reused the second instead of decoding again.
  assert.equal(finalPasses.length, 2);
  assert.deepEqual(speculations, ['wasted', 'used'], 'the first was decoded for nothing');
  assert.equal(events.filter((e) => e.type === 'speech_started').length, 1);
  await session.close();
});

test('a speculative final waits for speculateAfterMs of silence: a shorter pause costs no decode', async () => {
  const run = async (pauseMs: number) => {
    const speculations: string[] = [];
    const { session, events, engine } = await open({
      endpointingMs: 600,
      speculateAfterMs: 300,
      observer: { speculation: (outcome) => speculations.push(outcome) },
    });
    await feed(session, twoPhrases(pauseMs));
    await session.close();
    const finals = events.filter((e) => e.type === 'final');
    const finalPasses = engine.calls.filter((c) => c.options.pass === 'live_final').length;
    return { speculations, finals: finals.length, finalPasses, text: finals[0]?.text };
  };
  const short = await run(200);
  assert.deepEqual(short.speculations, ['used'], 'no speculation inside a 200 ms pause');
  assert.equal(short.finals, 1);
  assert.equal(short.finalPasses, 1, 'one decode for the final, none wasted');
  const long = await run(400);
  assert.deepEqual(long.speculations, ['wasted', 'used'], 'a 400 ms pause outlasts 300 ms');
  assert.equal(long.finalPasses, 2);
  assert.equal(long.finals, 1);
  // The same words either way: a speculation only changes when the final's decode runs.
  assert.equal(short.text?.split(' ').length, long.text?.split(' ').length);
});

test('a reused speculative final reports the slot time its decode took, not the time since the endpoint', async () => {
  const clock = new ManualClock();
  const engine = new FakeAsrEngine((samples, options) => {
    if (options.pass === 'live_final') clock.advance(70);
    return 'w1 w2';
  });
  const decodes: number[] = [];
  const { session } = await open({
    endpointingMs: 600,
    clock,
    engine,
    observer: { final: (_latency, _audio, decodeMs) => decodes.push(decodeMs) },
  });
  await feed(
    session,
    pcm16([
      { ms: 100, amp: 0 },
      { ms: 500, amp: 0.5 },
      { ms: 900, amp: 0 },
    ]),
  );
  await session.close();
  assert.deepEqual(decodes, [70]);
});

test('a pause longer than the endpointing gives two finals', async () => {
  const { session, events } = await open({ endpointingMs: 300 });
  await feed(
    session,
    pcm16([
      { ms: 500, amp: 0.5 },
      { ms: 600, amp: 0 },
      { ms: 500, amp: 0.5 },
      { ms: 600, amp: 0 },
    ]),
  );
  await session.close();
  assert.equal(events.filter((e) => e.type === 'final').length, 2);
});

test('a final is sent once the endpointing silence has arrived, not before', async () => {
  const { session, events } = await open({ endpointingMs: 800 });
  await feed(
    session,
    pcm16([
      { ms: 500, amp: 0.5 },
      { ms: 600, amp: 0 },
    ]),
  );
  assert.equal(events.filter((e) => e.type === 'final').length, 0, '600 ms < 800 ms endpointing');
  await feed(session, pcm16([{ ms: 300, amp: 0 }]));
  assert.equal(events.filter((e) => e.type === 'final').length, 1);
  await session.close();
});

test('a long utterance is finalised at a phrase end without waiting for the endpoint', async () => {
  const { session, events } = await open({ endpointingMs: 2000, commitLongAfterMs: 500 });
  await feed(
    session,
    pcm16([
      { ms: 700, amp: 0.5 },
      { ms: 300, amp: 0 }, // a phrase gap, far below the 2 s endpointing
    ]),
  );
  assert.equal(events.filter((e) => e.type === 'final').length, 1, 'final at the phrase end');
  await feed(session, pcm16([{ ms: 300, amp: 0.5 }]));
  await session.close();
  assert.equal(events.filter((e) => e.type === 'final').length, 2);
});

/** 3.4 s of speech (0.2-3.6 s) whose only dip (60 ms, too short for the VAD) is at 2.0-2.06 s. */
const dippedSpeech = (silenceAfterMs: number): Uint8Array =>
  pcm16([
    { ms: 200, amp: 0 },
    { ms: 1800, amp: 0.5 },
    { ms: 60, amp: 0.01 },
    { ms: 1540, amp: 0.5 },
    { ms: silenceAfterMs, amp: 0 },
  ]);

test('speech with no pause is cut at its quietest point into two finals that hold every word once', async () => {
  const engine = new FakeAsrEngine();
  const latencies: (number | undefined)[] = [];
  const { session, events } = await open({
    engine,
    splitContinuousAfterMs: 3000,
    observer: { final: (latencyMs) => latencies.push(latencyMs) },
  });
  await feed(session, dippedSpeech(600));
  await session.close();
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 2, JSON.stringify(finals));
  const [first, second] = finals;
  // The cut is inside the dip, and the second final starts where the first ended.
  assert.ok(first!.end_s > 1.95 && first!.end_s < 2.1, `cut at ${first!.end_s}`);
  assert.equal(second!.start_s, first!.end_s);
  assert.equal(events.filter((e) => e.type === 'speech_started').length, 1, 'one breath of speech');
  // Every 100 ms block of speech became one word, none twice: 18 + 15 (+ one the cut may split).
  const words = finals.reduce((n, f) => n + f.text.split(' ').length, 0);
  assert.ok(words >= 33 && words <= 35, `${words} words`);
  // Final latency is timed from an end of speech: the cut had none.
  assert.equal(latencies.length, 2);
  assert.equal(latencies[0], undefined);
  assert.equal(typeof latencies[1], 'number');
});

test('after a cut, the rest of the utterance ends at its speech, and its final comes at the endpoint', async () => {
  const { session, events } = await open({ splitContinuousAfterMs: 3000, endpointingMs: 300 });
  // The phrase the VAD closes at the end began before the cut: its end must stay where the
  // speech ended (3.6 s), not the cut plus the whole phrase's length.
  await feed(session, dippedSpeech(1500));
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 2, 'both finals before the stream closes');
  assert.ok(finals[1]!.end_s >= 3.6 && finals[1]!.end_s <= 3.8, `ends at ${finals[1]!.end_s}`);
  await session.close();
});

test('a cut lands at least 1 s into the utterance and never in the newest 300 ms of audio', async () => {
  const { session, events } = await open({ splitContinuousAfterMs: 1000 });
  // Even speech, no dip: the search window is all there is. It first spans 0.2 s (1.0-1.2 s)
  // when 1.52 s have arrived (40 ms frames), so the cut falls there, not in what was just said.
  await feed(
    session,
    pcm16([
      { ms: 1800, amp: 0.5 },
      { ms: 600, amp: 0 },
    ]),
  );
  await session.close();
  const finals = events.filter((e) => e.type === 'final');
  assert.equal(finals.length, 2, JSON.stringify(finals));
  assert.ok(finals[0]!.end_s >= 1 && finals[0]!.end_s <= 1.22, `cut at ${finals[0]!.end_s}`);
});
