import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAdmission, overCapacity, type AdmissionOptions } from './admission.js';
import { zeroBusyMs, type LedgerWindow } from './load-ledger.js';

const options: AdmissionOptions = {
  targetUtilisation: 0.7,
  maxFinalWaitMs: 250,
  maxFirstPartialWaitMs: 200,
  maxFirstPartialLatencyMs: 300,
  maxStreams: 64,
  priorCostMsPerS: 100,
  minEvidenceStreamS: 30,
  retryAfterMs: 2000,
};

const window = (over: Partial<LedgerWindow> = {}): LedgerWindow => ({
  spanMs: 10_000,
  busyMs: zeroBusyMs(),
  finalWaitsMs: [],
  firstPartialWaitsMs: [],
  firstPartialLatenciesMs: [],
  decodes: 0,
  streamAudioS: 0,
  ...over,
});

const input = {
  activeStreams: 0,
  window: window(),
  slots: 2,
  runningBatch: 0,
  refreshOffSlots: false,
};

test('before evidence the prior decides: (2 slots - 1 for partials) x 1000 ms x 0.7 / 100 ms = 7', () => {
  assert.equal(judgeAdmission(options, input).capacity, 7);
  assert.equal(judgeAdmission(options, { ...input, activeStreams: 6 }).admit, true);
  const full = judgeAdmission(options, { ...input, activeStreams: 7 });
  assert.deepEqual([full.admit, full.reason], [false, 'headroom']);
});

test('with enough stream audio the measured cost replaces the prior', () => {
  // 60 s of stream audio cost 1200 ms of finals (a quarter of it speculative, used or not) +
  // 600 ms of first partials: 30 ms per second.
  const w = window({
    streamAudioS: 60,
    busyMs: {
      final: 900,
      speculative_final: 300,
      first_partial: 600,
      partial: 5000,
      speech: 0,
      file: 9000,
      background: 0,
    },
  });
  const v = judgeAdmission(options, { ...input, window: w, activeStreams: 6 });
  assert.equal(v.costMsPerS, 30);
  assert.equal(v.capacity, 23, 'refresh partials and file work are not counted as required');
  assert.equal(v.admit, true);
});

test('batch work running takes its slots out of what real time can count on', () => {
  const four = { ...input, slots: 4 };
  assert.equal(judgeAdmission(options, four).capacity, 21);
  assert.equal(judgeAdmission(options, { ...four, runningBatch: 2 }).capacity, 7);
});

test('one slot: no slot is set aside for partials', () => {
  assert.equal(judgeAdmission(options, { ...input, slots: 1 }).capacity, 7);
});

test('refresh partials on low-priority threads: every slot counts', () => {
  assert.equal(judgeAdmission(options, { ...input, refreshOffSlots: true }).capacity, 14);
});

test('first partials already late refuse new streams whatever the estimate says', () => {
  const onTime = window({ firstPartialLatenciesMs: [60, 60, 60, 60, 60, 60, 60, 60, 60, 320] });
  assert.equal(judgeAdmission(options, { ...input, window: onTime, activeStreams: 1 }).admit, true);
  const partials = window({ firstPartialLatenciesMs: [60, 60, 60, 60, 60, 60, 60, 60, 310, 320] });
  const p = judgeAdmission(options, { ...input, window: partials, activeStreams: 1 });
  assert.deepEqual([p.admit, p.reason], [false, 'first_partial_latency']);
  const idle = judgeAdmission(options, { ...input, window: partials, activeStreams: 0 });
  assert.equal(idle.admit, true, 'latencies of streams that have all gone say nothing');
});

test('finals already waiting for slots refuse new streams whatever the estimate says', () => {
  const w = window({ finalWaitsMs: [10, 20, 400, 500, 600, 700, 800, 900, 1000, 1100] });
  const v = judgeAdmission(options, { ...input, window: w, activeStreams: 1 });
  assert.deepEqual([v.admit, v.reason], [false, 'final_wait']);
});

test('first partials already waiting refuse new streams too', () => {
  const w = window({ firstPartialWaitsMs: [10, 20, 350, 350, 350, 350, 350, 350, 350, 350] });
  const v = judgeAdmission(options, { ...input, window: w, activeStreams: 2 });
  assert.deepEqual([v.admit, v.reason], [false, 'first_partial_wait']);
  const idle = judgeAdmission(options, { ...input, window: w, activeStreams: 0 });
  assert.equal(idle.admit, true, 'waits of streams that have all gone say nothing');
});

test('a few slow waits say nothing yet: the guard needs ten', () => {
  const w = window({ finalWaitsMs: [900, 900, 900, 900, 900, 900, 900, 900, 900] });
  assert.equal(judgeAdmission(options, { ...input, window: w, activeStreams: 2 }).admit, true);
});

test('the hard cap holds even with headroom', () => {
  const v = judgeAdmission({ ...options, maxStreams: 3 }, { ...input, activeStreams: 3 });
  assert.deepEqual([v.admit, v.reason, v.capacity], [false, 'max_streams', 3]);
});

test('a refusal is OVER_CAPACITY with the retry-after and a reason', () => {
  const err = overCapacity(
    { admit: false, costMsPerS: 100, capacity: 14, reason: 'headroom' },
    2000,
  );
  assert.equal(err.code, 'OVER_CAPACITY');
  assert.equal(err.details.retryAfterMs, 2000);
  assert.match(err.message, /headroom is 14 streams/);
});
