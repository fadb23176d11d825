import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoadtestSummary } from '../loadtest/index.js';
import type { Percentiles } from '../report/result-types.js';
import { compileCapacityConfig } from './capacity-config.js';
import { judgeStep, stepMetrics } from './judge-step.js';
import { measureCapacity, type RunLoad } from './measure-capacity.js';

const SLO = { finalP95Ms: 1500, firstPartialP95Ms: 1000, maxErrorRate: 0.01 };

const p = (v: number): Percentiles => ({ n: 4, p50: v / 2, p95: v, p99: v, max: v, mean: v });

function summary(over: Partial<LoadtestSummary>): { summary: LoadtestSummary; cutOff: boolean } {
  const s = {
    turns: 10,
    completed: 10,
    failed: 0,
    refused: 0,
    firstPartialMs: p(500),
    finalMs: p(800),
    ...over,
  };
  return { summary: s as LoadtestSummary, cutOff: false };
}

test('judgeStep: refusals, error rate, missing completions and each p95 fail a step', () => {
  const judge = (over: Partial<LoadtestSummary>) => judgeStep(3, stepMetrics(summary(over)), SLO);
  assert.equal(judge({}).pass, true);
  assert.match(judge({ refused: 1, failed: 1 }).reason ?? '', /1 sessions refused/);
  assert.match(judge({ failed: 1, completed: 9 }).reason ?? '', /error rate 10\.0 % > 1\.0 %/);
  assert.match(judge({ completed: 0, turns: 0 }).reason ?? '', /no turn completed/);
  const cut = judgeStep(
    1,
    { ...stepMetrics(summary({ failed: 1, completed: 0, turns: 1 })), cutOff: true },
    SLO,
  );
  assert.match(
    cut.reason ?? '',
    /error rate 100\.0 % > 1\.0 % \(turns still running at the drain limit were cut off\)/,
  );
  assert.match(judge({ finalMs: p(1600) }).reason ?? '', /final p95 1600 ms > 1500 ms/);
  assert.match(judge({ firstPartialMs: p(1200) }).reason ?? '', /first partial p95 1200/);
  assert.equal(judge({ firstPartialMs: null }).pass, true);
});

test('measureCapacity: per frame size, search then load points, reusing searched counts', async () => {
  const runs: string[] = [];
  // Latency grows with streams; 100 ms frames hold 5 streams, 320 ms frames 9.
  const runLoad: RunLoad = (frameMs, streams) => {
    runs.push(`${frameMs}x${streams}`);
    const limit = frameMs === 100 ? 5 : 9;
    return Promise.resolve(summary({ finalMs: p(streams <= limit ? 1000 : 2000) }));
  };
  const rows = await measureCapacity({ frameMs: [100, 320], maxStreams: 16, slo: SLO, runLoad });
  assert.deepEqual(
    rows.map((r) => [r.frameMs, r.maxStreams, r.outcome]),
    [
      [100, 5, 'found'],
      [320, 9, 'found'],
    ],
  );
  assert.deepEqual(
    rows[0]?.loadPoints.map((lp) => [lp.streams, lp.fromSearch]),
    [
      [1, true],
      [3, false],
      [4, true],
      [5, true],
    ],
  );
  assert.deepEqual(
    rows[1]?.loadPoints.map((lp) => [lp.streams, lp.fromSearch]),
    [
      [2, true],
      [5, false],
      [7, false],
      [9, true],
    ],
  );
  // 100: 1 2 4 8 6 5, then 3; 320: 1 2 4 8 16 12 10 9, then 5 and 7.
  assert.deepEqual(
    runs.filter((r) => r.startsWith('100x')),
    ['100x1', '100x2', '100x4', '100x8', '100x6', '100x5', '100x3'],
  );
  assert.deepEqual(runs.slice(-2), ['320x5', '320x7']);
});

test('compileCapacityConfig: defaults filled, bad input names the option', () => {
  const c = compileCapacityConfig({ model: 'whisper-tiny.en', manifest: 'm.jsonl' }, {});
  assert.deepEqual(c.frameMs, [100, 160, 320]);
  assert.deepEqual(c.slo, SLO);
  assert.equal(c.stepDurationMs, 30_000);
  assert.equal(c.maxStreams, 64);
  assert.ok(Object.isFrozen(c));
  assert.deepEqual(
    compileCapacityConfig({ model: 'm', manifest: 'x', frameMs: '160, 320' }, {}).frameMs,
    [160, 320],
  );
  const bad = (o: Parameters<typeof compileCapacityConfig>[0], re: RegExp): void =>
    assert.throws(() => compileCapacityConfig(o, {}, () => false), re);
  bad({ manifest: 'x' }, /'model' is required/);
  bad({ model: 'm' }, /'manifest' is required/);
  bad({ model: 'm', manifest: 'x', frameMs: '100,abc' }, /'frame_ms' must be a comma-separated/);
  bad({ model: 'm', manifest: 'x', maxStreams: 0 }, /'max_streams' must be an integer/);
  bad({ model: 'm', manifest: 'x', target: 'ftp://x' }, /'target' must be an http/);
  bad({ model: 'm', manifest: 'x', maxErrorRate: 2 }, /'max_error_rate'/);
  const dflt = compileCapacityConfig({ model: 'm' }, {}, () => true);
  assert.equal(dflt.manifestIsDefault, true);
});
