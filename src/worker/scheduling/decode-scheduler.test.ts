import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock, type VoxfleetError } from '../../core/index.js';
import { DecodeScheduler } from './decode-scheduler.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const scheduler = (slots: number, batchSlots = slots, maxQueued = 10, clock = new ManualClock()) =>
  new DecodeScheduler({ slots, batchSlots, maxQueued, clock });

/** Two real-time slots, one of them for batch work, and one background slot beside them. */
const withBackgroundSlot = () =>
  new DecodeScheduler({
    slots: 2,
    batchSlots: 1,
    backgroundSlots: 1,
    maxQueued: 10,
    clock: new ManualClock(),
  });

test('a freed slot goes to finals, then first partials, speech, file, refresh partials', async () => {
  const s = scheduler(1);
  const order: string[] = [];
  const g = gate();
  const blocker = s.run('file', async () => g.promise);
  const jobs = [
    s.offerPartial({}, 'refresh', async () => void order.push('refresh')),
    s.run('file', async () => void order.push('file')),
    s.run('speech', async () => void order.push('speech')),
    s.offerPartial({}, 'first', async () => void order.push('first-partial')),
    s.run('final', async () => void order.push('final')),
  ];
  assert.deepEqual(s.stats, {
    slots: 1,
    running: 1,
    runningBatch: 1,
    runningBackground: 0,
    queued: 3,
    pendingPartials: 2,
  });
  g.open();
  await Promise.all([blocker, ...jobs]);
  assert.deepEqual(order, ['final', 'first-partial', 'speech', 'file', 'refresh']);
});

test('a speculative final waits behind first partials; confirmed, it is a final again by queue time', async () => {
  const clock = new ManualClock();
  const classes: string[] = [];
  const s = new DecodeScheduler({
    slots: 1,
    batchSlots: 1,
    maxQueued: 10,
    clock,
    onDecode: (cls) => classes.push(cls),
  });
  const order: string[] = [];
  const g = gate();
  const blocker = s.run('file', async () => g.promise);
  const guess = s.speculate(async () => void order.push('guess'), new AbortController().signal);
  clock.advance(10);
  const confirmed = s.speculate(
    async () => void order.push('confirmed'),
    new AbortController().signal,
  );
  clock.advance(10);
  const final = s.run('final', async () => void order.push('final'));
  const first = s.offerPartial({}, 'first', async () => void order.push('first-partial'));
  confirmed.confirm();
  assert.equal(s.stats.queued, 3);
  g.open();
  await Promise.all([blocker, guess.result, confirmed.result, final, first]);
  // Confirmed, it kept its place ahead of the final queued after it.
  assert.deepEqual(order, ['confirmed', 'final', 'first-partial', 'guess']);
  assert.deepEqual(classes, ['file', 'final', 'final', 'first_partial', 'speculative_final']);
});

test('a speculative final is withdrawn while it waits; confirming one that runs changes nothing', async () => {
  const s = scheduler(1);
  const g = gate();
  const running = s.speculate(async () => g.promise, new AbortController().signal);
  const cancel = new AbortController();
  let ran = false;
  const waiting = s.speculate(async () => void (ran = true), cancel.signal);
  cancel.abort();
  await assert.rejects(waiting.result, (err: VoxfleetError) => err.code === 'CANCELLED');
  waiting.confirm();
  running.confirm();
  assert.deepEqual([s.stats.running, s.stats.queued], [1, 0]);
  g.open();
  await running.result;
  assert.equal(ran, false);
  const late = s.speculate(async () => 'late', cancel.signal);
  await assert.rejects(late.result, (err: VoxfleetError) => err.code === 'CANCELLED');
});

test('file work never holds more than its batch slots; live work takes the rest', async () => {
  const s = scheduler(2, 1);
  const g = gate();
  let filesRunning = 0;
  let peak = 0;
  const file = () =>
    s.run('file', async () => {
      filesRunning++;
      peak = Math.max(peak, filesRunning);
      await g.promise;
      filesRunning--;
    });
  const files = [file(), file(), file()];
  assert.equal(s.stats.runningBatch, 1);
  // The second slot is free for a final at once, though files wait.
  assert.equal(await s.run('final', async () => 'final'), 'final');
  g.open();
  await Promise.all(files);
  assert.equal(peak, 1);
});

test('without background slots, shadow work ranks last and shares the batch slots with file work', async () => {
  const classes: string[] = [];
  const s = new DecodeScheduler({
    slots: 2,
    batchSlots: 1,
    maxQueued: 10,
    clock: new ManualClock(),
    onDecode: (cls) => classes.push(cls),
  });
  const order: string[] = [];
  const shadowFinal = gate();
  // A shadow's final holds the one batch slot: its partials wait although a slot is free.
  const running = s.run('background', async () => shadowFinal.promise);
  const shadowPartial = s.offerPartial({}, 'background', async () => void order.push('shadow'));
  assert.deepEqual([s.stats.running, s.stats.runningBatch, s.stats.pendingPartials], [1, 1, 1]);
  // The other slot stays the real-time streams': a final starts at once.
  assert.equal(await s.run('final', async () => 'final'), 'final');
  const live = s.offerPartial({}, 'refresh', async () => void order.push('live'));
  await live;
  shadowFinal.open();
  await Promise.all([running, shadowPartial]);
  assert.deepEqual(order, ['live', 'shadow']);
  assert.deepEqual(classes, ['final', 'partial', 'background', 'background']);
});

test('with background slots, shadow work runs beside the real-time slots and never holds one', async () => {
  const s = withBackgroundSlot();
  const shadowFinal = gate();
  const shadowRunning = s.run('background', async () => shadowFinal.promise);
  const shadowPartial = s.offerPartial({}, 'background', async () => 'shadow partial');
  // One background decode at a time; the real-time slots are all free.
  assert.deepEqual(
    [s.stats.running, s.stats.runningBackground, s.stats.pendingPartials],
    [0, 1, 1],
  );
  const files = gate();
  const file = s.run('file', async () => files.promise);
  const liveFinal = gate();
  const final = s.run('final', async () => liveFinal.promise);
  assert.deepEqual([s.stats.running, s.stats.runningBatch], [2, 1], 'both real-time slots used');
  liveFinal.open();
  await final;
  shadowFinal.open();
  assert.equal(await shadowPartial, 'shadow partial');
  files.open();
  await Promise.all([shadowRunning, file]);
  assert.deepEqual([s.stats.running, s.stats.runningBackground], [0, 0]);
});

test('with background slots, refresh partials run there, ahead of shadow work, and hold no real-time slot', async () => {
  const s = withBackgroundSlot();
  const tiers: string[] = [];
  const refresh = gate();
  const running = s.offerPartial({}, 'refresh', async (tier) => {
    tiers.push(tier);
    await refresh.promise;
  });
  const order: string[] = [];
  const shadow = s.run('background', async () => void order.push('shadow'));
  const next = s.offerPartial({}, 'refresh', async (tier) => {
    tiers.push(tier);
    order.push('refresh');
  });
  assert.deepEqual([s.stats.running, s.stats.runningBackground], [0, 1]);
  // Both real-time slots are free for required work while a re-decode runs.
  const finals = gate();
  const both = [
    s.run('final', async () => finals.promise),
    s.run('final', async () => finals.promise),
  ];
  assert.equal(s.stats.running, 2);
  // A first partial ranks above refresh: it waits for a real-time slot, never a background one.
  const first = s.offerPartial({}, 'first', async (tier) => tier);
  finals.open();
  await Promise.all(both);
  assert.equal(await first, 'realtime');
  refresh.open();
  await Promise.all([running, shadow, next]);
  assert.deepEqual(order, ['refresh', 'shadow']);
  assert.deepEqual(tiers, ['background', 'background']);
});

test('without background slots, refresh partials keep one real-time slot free', async () => {
  const s = scheduler(2);
  const g = gate();
  const tiers: string[] = [];
  const one = s.offerPartial({}, 'refresh', async (tier) => {
    tiers.push(tier);
    await g.promise;
  });
  const two = s.offerPartial({}, 'refresh', async (tier) => void tiers.push(tier));
  assert.deepEqual([s.stats.running, s.stats.pendingPartials], [1, 1]);
  g.open();
  await Promise.all([one, two]);
  assert.deepEqual(tiers, ['realtime', 'realtime']);
});

test('a newer partial offer replaces the pending one and keeps its age', async () => {
  const s = scheduler(1);
  const g = gate();
  const blocker = s.run('final', async () => g.promise);
  const a = {};
  const b = {};
  const ran: string[] = [];
  const a1 = s.offerPartial(a, 'refresh', async () => void ran.push('a1'));
  const b1 = s.offerPartial(b, 'refresh', async () => void ran.push('b1'));
  const a2 = s.offerPartial(a, 'refresh', async () => void ran.push('a2'));
  assert.equal(await a1, undefined, 'the replaced offer resolves undefined');
  assert.equal(s.stats.pendingPartials, 2);
  g.open();
  await Promise.all([blocker, b1, a2]);
  assert.deepEqual(ran, ['a2', 'b1'], 'a was offered first, so it is stalest');
});

test('withdrawPartial drops a pending offer', async () => {
  const s = scheduler(1);
  const g = gate();
  const blocker = s.run('final', async () => g.promise);
  const owner = {};
  const offer = s.offerPartial(owner, 'first', async () => 'ran');
  s.withdrawPartial(owner);
  g.open();
  await blocker;
  assert.equal(await offer, undefined);
  assert.equal(s.stats.pendingPartials, 0);
});

test('refresh partials leave one slot free for finals; first partials do not', async () => {
  const s = scheduler(2);
  const g = gate();
  const running = s.offerPartial({}, 'refresh', async () => g.promise);
  let second = false;
  const waiting = s.offerPartial({}, 'refresh', async () => void (second = true));
  assert.equal(second, false, 'the second refresh partial waits');
  assert.equal(await s.offerPartial({}, 'first', async () => 'first'), 'first');
  assert.equal(await s.run('final', async () => 'final'), 'final');
  g.open();
  await Promise.all([running, waiting]);
  assert.equal(second, true);
});

test('a partial runs at once when a slot is free', async () => {
  const s = scheduler(2);
  assert.equal(await s.offerPartial({}, 'refresh', async () => 'now'), 'now');
});

test('a full queue refuses file and speech work with OVER_CAPACITY but still takes finals', async () => {
  const s = scheduler(1, 1, 1);
  const g = gate();
  const first = s.run('file', async () => g.promise);
  const queued = s.run('file', async () => undefined);
  await assert.rejects(
    s.run('file', async () => undefined),
    { code: 'OVER_CAPACITY' },
  );
  const final = s.run('final', async () => 'ok');
  g.open();
  await Promise.all([first, queued]);
  assert.equal(await final, 'ok');
});

test('an aborted waiter leaves the queue with CANCELLED and never runs', async () => {
  const s = scheduler(1);
  const g = gate();
  const first = s.run('final', async () => g.promise);
  const ac = new AbortController();
  let ran = false;
  const waiting = s.run('file', async () => void (ran = true), ac.signal);
  ac.abort();
  await assert.rejects(waiting, { code: 'CANCELLED' });
  g.open();
  await first;
  assert.equal(ran, false);
  assert.equal(s.stats.queued, 0);
});

test('the ledger records busy time by class and how long finals waited', async () => {
  const clock = new ManualClock(10_000);
  const s = scheduler(1, 1, 10, clock);
  const g = gate();
  const file = s.run('file', async () => {
    await g.promise;
    clock.advance(300);
  });
  const final = s.run('final', async () => void clock.advance(100));
  g.open();
  await Promise.all([file, final]);
  const w = s.ledger.window();
  assert.equal(w.busyMs.file, 300);
  assert.equal(w.busyMs.final, 100);
  assert.deepEqual(w.finalWaitsMs, [300]);
  assert.equal(w.decodes, 2);
  clock.advance(11_000);
  const later = s.ledger.window();
  assert.deepEqual(
    later.finalWaitsMs,
    [],
    'waits leave after 10 s: a queue counts only while it is there',
  );
  assert.equal(later.busyMs.final, 100, 'busy time stays 30 s: the cost estimate must not swing');
  clock.advance(20_000);
  assert.equal(s.ledger.window().decodes, 0, 'old seconds leave the window');
});

test('first partials have their waits recorded apart from finals', async () => {
  const clock = new ManualClock(10_000);
  const s = scheduler(1, 1, 10, clock);
  const g = gate();
  const running = s.run('final', async () => {
    await g.promise;
    clock.advance(200);
  });
  const first = s.offerPartial({}, 'first', async () => void clock.advance(50));
  g.open();
  await Promise.all([running, first]);
  const w = s.ledger.window();
  assert.deepEqual([w.finalWaitsMs, w.firstPartialWaitsMs], [[0], [200]]);
});

test('the ledger keeps first-partial latencies as long as waits', () => {
  const clock = new ManualClock(10_000);
  const s = scheduler(1, 1, 10, clock);
  s.ledger.recordFirstPartialLatency(90);
  clock.advance(5000);
  s.ledger.recordFirstPartialLatency(310);
  assert.deepEqual(s.ledger.window().firstPartialLatenciesMs, [90, 310]);
  clock.advance(6000);
  assert.deepEqual(s.ledger.window().firstPartialLatenciesMs, [310], 'gone after 10 s');
});
