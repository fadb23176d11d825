import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeWorker } from '../../fabric/testing/fake-worker.js';
import type { WorkerStatus } from '../../fabric/index.js';
import { parsePlan } from '../../release/index.js';
import { combinedEvidence } from './combined-evidence.js';
import { ServingEvidence } from './serving-evidence.js';
import { ShadowEvidence } from './shadow-evidence.js';
import { FleetSamples, mergeFleetTotals } from './fleet-samples.js';

const MB = 1024 * 1024;
const step = parsePlan({
  id: 'p',
  model: 'asr-en',
  baseline: 'whisper-tiny.en@1.0.0',
  candidate: 'whisper-base@1.0.0',
  steps: [
    {
      name: 'canary',
      kind: 'canary',
      selector: { regions: ['us-west'], percent: 5 },
      minDurationS: 0,
      minSample: {},
      maxDurationS: 60,
      gates: [{ metric: 'memory_mb', max: 2048 }],
    },
  ],
}).steps[0]!;

const worker = (id: string, over: Partial<WorkerStatus>): WorkerStatus =>
  new FakeWorker(id, over).status();

test("a step's queue depth and memory come from the workers of its regions, deepest and largest per sample", () => {
  const samples = new FleetSamples();
  for (let i = 0; i < 20; i++)
    samples.sample('p', step, [
      worker('a', { region: 'us-west', decodesQueued: i === 19 ? 9 : 1, memoryBytes: 900 * MB }),
      worker('b', { region: 'us-west', decodesQueued: 2, memoryBytes: (1200 + i) * MB }),
      // Another region, and a draining worker: not the step's.
      worker('c', { region: 'eu-west', decodesQueued: 50, memoryBytes: 9000 * MB }),
      worker('d', { region: 'us-west', state: 'draining', decodesQueued: 40 }),
    ]);
  const evidence = combinedEvidence({
    shadow: new ShadowEvidence().snapshot('p', 'canary'),
    serving: new ServingEvidence().snapshot('p', 'canary'),
    fleet: mergeFleetTotals([samples.snapshot('p', 'canary'), undefined]),
  });
  assert.equal(
    evidence.candidate.queue_depth_p95,
    2,
    'one deep sample in twenty is the p100, not the p95',
  );
  assert.equal(evidence.candidate.memory_mb, 1219);
  assert.equal(evidence.baseline.memory_mb, undefined, 'a fleet figure, not a version figure');
});
