import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Percentiles } from '../report/result-types.js';
import { CAPACITY_RESULT_SCHEMA, type CapacityResult, type StepMetrics } from './capacity-types.js';
import { renderCapacityMarkdown } from './render-markdown.js';

const p = (p50: number, p95: number): Percentiles => ({
  n: 5,
  p50,
  p95,
  p99: p95 + 1,
  max: p95 + 1,
  mean: p50,
});
const metrics = (fp: number, fin: number): StepMetrics => ({
  turns: 6,
  completed: 6,
  failed: 0,
  refused: 0,
  errorRate: 0,
  firstPartialMs: p(fp, fp + 100),
  finalMs: p(fin, fin + 200),
  cutOff: false,
});

const RESULT: CapacityResult = {
  schema: CAPACITY_RESULT_SCHEMA,
  createdAt: '2025-01-02T03:04:05.000Z',
  model: { id: 'whisper-tiny.en', version: '1.0.0' },
  target: 'local',
  manifest: 'dev.jsonl',
  machine: {
    cpuModel: 'Test CPU 9000',
    cores: 2,
    platform: 'linux',
    arch: 'x64',
    memoryBytes: 8 * 2 ** 30,
    node: 'v20.0.0',
  },
  slo: { finalP95Ms: 1500, firstPartialP95Ms: 1000, maxErrorRate: 0.01 },
  stepDurationS: 30,
  maxStreamsBound: 4,
  rows: [
    {
      frameMs: 100,
      maxStreams: 4,
      outcome: 'capped',
      steps: [],
      loadPoints: [1, 2, 3, 4].map((n, i) => ({
        percent: (i + 1) * 25,
        streams: n,
        metrics: metrics(300 + n, 600 + n),
        fromSearch: true,
      })),
    },
    { frameMs: 320, maxStreams: 0, outcome: 'none', steps: [], loadPoints: [] },
  ],
};

test('capacity.md names machine, model and SLO, and has one row per frame size', () => {
  const md = renderCapacityMarkdown(RESULT);
  assert.match(md, /^# Capacity: whisper-tiny\.en 1\.0\.0$/m);
  assert.match(md, /Machine: Test CPU 9000, 2 cores, 8 GiB, linux x64/);
  assert.match(
    md,
    /final-after-speech p95 ≤ 1500 ms, first-partial p95 ≤ 1000 ms, error rate ≤ 1\.0 %/,
  );
  const lines = md.split('\n');
  const header = lines.find((l) => l.startsWith('| frame (ms) | max streams |'));
  assert.ok(header);
  assert.equal(header.split('|').length - 2, 2 + 4 * 2);
  assert.ok(lines.includes(`| ${'--- | '.repeat(10).trim()}`));
  assert.ok(
    lines.includes(
      '| 100 | ≥ 4 | 301 / 401 | 601 / 801 | 302 / 402 | 602 / 802 | 303 / 403 | 603 / 803 | 304 / 404 | 604 / 804 |',
    ),
  );
  assert.ok(lines.includes('| 320 | 0 | – | – | – | – | – | – | – | – |'));
  assert.match(md, /every step up to --max-streams 4 met the SLO/);
  assert.match(md, /320 ms: even one stream missed the SLO/);
  // Detail table: one row per load point, with p99.
  assert.ok(lines.includes('| 100 | 50 % | 2 | 302 | 402 | 403 | 602 | 802 | 803 | 6/6 |'));
});
