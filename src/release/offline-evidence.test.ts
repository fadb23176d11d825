import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest, type Manifest } from '../registry/index.js';
import { rawCatalogManifest } from '../registry/testing/manifests.js';
import { offlineEvidence } from './offline-evidence.js';
import { evaluate, initialState, start } from './rollout.js';
import { HEALTHY_EVIDENCE, samplePlan } from './testing/sample-plan.js';

const MACHINE = { cpuModel: 'AMD EPYC', cores: 2 };
const REPORT_FILE = { bytes: 1, sha256: '0'.repeat(64) };

interface EvalFigures {
  readonly comparedWith?: string;
  readonly allCiLow?: number;
  readonly worstCiLow?: number;
  readonly rtfP95?: number;
  readonly maxStreams?: number;
  readonly cpuModel?: string;
  readonly cpuFeatures?: readonly string[];
}

/** A catalog manifest with eval summaries carrying the given figures. */
function withEval(name: string, figures: EvalFigures): Manifest {
  const raw = rawCatalogManifest(name);
  const machine = {
    ...MACHINE,
    ...(figures.cpuModel ? { cpuModel: figures.cpuModel } : {}),
    ...(figures.cpuFeatures ? { cpuFeatures: [...figures.cpuFeatures] } : {}),
  };
  const [model = null, version = null] = figures.comparedWith?.split('@') ?? [];
  raw.files = [
    ...(raw.files as object[]),
    { path: 'eval/result.json', ...REPORT_FILE },
    { path: 'eval/capacity.json', ...REPORT_FILE },
  ];
  raw.eval = {
    quality: {
      report: 'eval/result.json',
      schema: 'voxfleet.eval.result/1',
      createdAt: '2026-11-30T00:00:00Z',
      path: 'ws',
      numbers: 'spell',
      utterances: 82,
      failed: 0,
      audioS: 600,
      slices: [{ slice: 'all', utterances: 82, refWords: 1500, wer: 0.1, cer: 0.05 }],
      latencyMs: null,
      rtf: figures.rtfP95 === undefined ? null : { p50: 0.1, p95: figures.rtfP95, total: 0.1 },
      baseline:
        figures.comparedWith === undefined
          ? null
          : {
              model,
              modelVersion: version,
              pairedUtterances: 82,
              worstSlice: 'noisy',
              worstDelta: (figures.worstCiLow ?? 0) + 0.01,
              regressedSlices: [],
              gateFailed: false,
              ...(figures.worstCiLow !== undefined ? { worstCiLow: figures.worstCiLow } : {}),
              ...(figures.allCiLow !== undefined
                ? { allCiLow: figures.allCiLow, allDelta: figures.allCiLow + 0.005 }
                : {}),
            },
      machine,
    },
    ...(figures.maxStreams === undefined
      ? {}
      : {
          capacity: {
            report: 'eval/capacity.json',
            schema: 'voxfleet.capacity/1',
            createdAt: '2026-11-30T00:00:00Z',
            slo: { finalP95Ms: 800, firstPartialP95Ms: 600, maxErrorRate: 0.01 },
            stepDurationS: 30,
            rows: [{ frameMs: 100, maxStreams: figures.maxStreams, outcome: 'found' }],
            machine: { ...machine, memoryBytes: 1 },
          },
        }),
  };
  return parseManifest(raw, name);
}

const PLAN = { baseline: 'whisper-tiny.en@1.0.0', candidate: 'whisper-base@1.0.0' };

test("the candidate's compared eval gives its WER bounds; both evals give RTF and cost", () => {
  const candidate = withEval('whisper-base', {
    comparedWith: PLAN.baseline,
    allCiLow: -0.02,
    worstCiLow: 0.004,
    rtfP95: 0.3,
    maxStreams: 2,
  });
  const baseline = withEval('whisper-tiny.en', { rtfP95: 0.1, maxStreams: 5 });
  const offline = offlineEvidence(PLAN, candidate, baseline);
  assert.deepEqual(offline.candidate, {
    wer_delta: -0.02,
    worst_slice_wer_delta: 0.004,
    rtf_p95: 0.3,
    cost_per_audio_hour: 0.5,
  });
  assert.deepEqual(offline.baseline, { rtf_p95: 0.1, cost_per_audio_hour: 0.2 });
  assert.deepEqual(offline.notes, []);
});

test('a comparison with another baseline, or figures from other machines, are left out and said so', () => {
  const candidate = withEval('whisper-base', {
    comparedWith: 'whisper-tiny.en@0.9.0',
    allCiLow: 0,
    worstCiLow: 0,
    rtfP95: 0.3,
    maxStreams: 0,
  });
  const baseline = withEval('whisper-tiny.en', { rtfP95: 0.1, maxStreams: 5, cpuModel: 'Xeon' });
  const offline = offlineEvidence(PLAN, candidate, baseline);
  assert.equal(offline.candidate.wer_delta, undefined);
  assert.equal(offline.baseline.rtf_p95, undefined);
  assert.equal(offline.baseline.cost_per_audio_hour, undefined);
  assert.equal(offline.candidate.cost_per_audio_hour, Number.MAX_VALUE, 'held no stream');
  assert.equal(offline.notes.length, 3, offline.notes.join('\n'));
  assert.match(offline.notes[0]!, /compared it with whisper-tiny\.en@0\.9\.0/);

  const none = offlineEvidence(
    PLAN,
    undefined,
    parseManifest(rawCatalogManifest('whisper-tiny.en'), 'x'),
  );
  assert.deepEqual(none.candidate, {});
  assert.deepEqual(none.notes, ['no manifest found for whisper-base@1.0.0']);
});

test('speed figures from two machines of one name but other vector extensions are not compared', () => {
  const fast = {
    rtfP95: 0.05,
    maxStreams: 10,
    cpuFeatures: ['avx2', 'fma', 'avx512f', 'avx512_vnni'],
  };
  const slow = { rtfP95: 0.1, maxStreams: 4, cpuFeatures: ['avx2', 'fma'] };
  const split = offlineEvidence(
    PLAN,
    withEval('whisper-base', slow),
    withEval('whisper-tiny.en', fast),
  );
  assert.equal(split.baseline.rtf_p95, undefined);
  assert.equal(split.baseline.cost_per_audio_hour, undefined);
  assert.equal(
    split.notes.filter((n) => /different machines/.test(n)).length,
    2,
    split.notes.join('\n'),
  );

  const same = offlineEvidence(
    PLAN,
    withEval('whisper-base', slow),
    withEval('whisper-tiny.en', slow),
  );
  assert.equal(same.baseline.rtf_p95, 0.1);
  // A report from before the extensions were recorded is compared by name, as before.
  const older = offlineEvidence(
    PLAN,
    withEval('whisper-base', slow),
    withEval('whisper-tiny.en', { rtfP95: 0.1, maxStreams: 4 }),
  );
  assert.equal(older.baseline.rtf_p95, 0.1);
});

test('quality gates judge the offline figures in every step, beside the live ones', () => {
  const quality = [
    { metric: 'wer_delta', max: 0.005 },
    { metric: 'worst_slice_wer_delta', max: 0.02 },
    { metric: 'rtf_p95', compare: 'ratio', max: 4 },
    { metric: 'word_disagreement', max: 0.15 },
  ];
  const plan = samplePlan();
  const gated = samplePlan({
    steps: plan.steps.map((s, i) => (i === 0 ? { ...s, gates: quality } : s)),
  });
  const judge = (figures: EvalFigures) => {
    const offline = offlineEvidence(
      PLAN,
      withEval('whisper-base', { comparedWith: PLAN.baseline, rtfP95: 0.375, ...figures }),
      withEval('whisper-tiny.en', { rtfP95: 0.125 }),
    );
    const started = start(gated, initialState(gated), 0, 'alice', offline);
    return evaluate(gated, started, 3_600_000, HEALTHY_EVIDENCE);
  };

  const better = judge({ allCiLow: -0.03, worstCiLow: 0.01 });
  assert.equal(better.stepIndex, 1, 'passed: no regression, no slice past its threshold');
  const passed = better.audit.find((e) => e.action === 'step_passed');
  assert.deepEqual(
    passed?.gates?.map((g) => [g.metric, g.value]),
    [
      ['wer_delta', -0.03],
      ['worst_slice_wer_delta', 0.01],
      ['rtf_p95', 3],
      ['word_disagreement', 0.05],
    ],
  );

  const accentRegressed = judge({ allCiLow: -0.01, worstCiLow: 0.04 });
  assert.equal(accentRegressed.status, 'rolled_back');
  assert.match(
    accentRegressed.audit.find((e) => e.action === 'gate_failed')?.reason ?? '',
    /worst_slice_wer_delta/,
  );
});
