import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { MemoryVersionedStore } from '../../release/index.js';
import { EvidencePool } from './evidence-pool.js';
import { ServingEvidence } from './serving-evidence.js';
import { ShadowEvidence } from './shadow-evidence.js';
import { SideRecorder, compareSides } from './shadow-comparison.js';
import { PCM16_STREAM_REQUEST } from '../../fabric/testing/stream-request.js';

const request = PCM16_STREAM_REQUEST;

/** One gateway that saw `sessions` canary sessions of each side, finals `latencyMs` late. */
function gatewayTotals(sessions: number, latencyMs: number) {
  const clock = new ManualClock(0);
  const serving = new ServingEvidence();
  for (const side of ['candidate', 'baseline'] as const)
    for (let i = 0; i < sessions; i++) {
      const w = serving.watch('r', 'canary', side, request, () => clock.now());
      w.audio(32000);
      clock.advance(side === 'candidate' ? latencyMs : 100);
      w.event({ type: 'final', text: 'x', start_s: 0, end_s: 1, words: [], language: 'en' });
      w.end();
    }
  const shadow = new ShadowEvidence();
  const a = new SideRecorder();
  const b = new SideRecorder();
  a.record({
    type: 'final',
    text: 'one two three four',
    start_s: 0,
    end_s: 1,
    words: [],
    language: 'en',
  });
  b.record({
    type: 'final',
    text: 'one two three for',
    start_s: 0,
    end_s: 1,
    words: [],
    language: 'en',
  });
  shadow.add('r', 'canary', 1, compareSides(a, b));
  return { shadow: shadow.snapshot('r', 'canary'), serving: serving.snapshot('r', 'canary') };
}

test('the controller judges on every gateway publishing for the step, summed', async () => {
  const store = new MemoryVersionedStore();
  await new EvidencePool(store, 'gw_a').publish('r', 'canary', gatewayTotals(2, 300));
  await new EvidencePool(store, 'gw_b').publish('r', 'canary', gatewayTotals(3, 500));
  // A gateway publishing again replaces its own figures, never adds to them.
  await new EvidencePool(store, 'gw_b').publish('r', 'canary', gatewayTotals(3, 500));
  await new EvidencePool(store, 'gw_c').publish('r', 'other-step', gatewayTotals(9, 9000));
  const ev = await new EvidencePool(store, 'gw_a').evidence('r', 'canary');
  assert.equal(ev.sessions, 5, 'candidate sessions of gw_a and gw_b');
  assert.equal(ev.candidate.final_p95_ms, 500);
  assert.equal(ev.baseline.final_p95_ms, 100);
  assert.equal(ev.candidate.word_disagreement, 0.25);
  assert.deepEqual(await new EvidencePool(store, 'gw_a').evidence('r', 'nothing-yet'), {
    sessions: 0,
    audioMinutes: 0,
    candidate: {},
    baseline: {},
  });
});
