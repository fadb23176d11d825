import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planChunks } from './chunk-plan.js';

const opts = { maxChunkS: 20, maxGapS: 1.5, padS: 0.2, totalS: 100 };

test('close phrases join; a long pause or a full window starts a new chunk', () => {
  const chunks = planChunks(
    [
      { startS: 1, endS: 4 },
      { startS: 4.5, endS: 9 },
      { startS: 12, endS: 15 }, // 3 s pause: new chunk
      { startS: 15.5, endS: 30 }, // joins: 18 s in all
      { startS: 30.5, endS: 36 }, // would make 24 s: new chunk
    ],
    opts,
  );
  assert.deepEqual(
    chunks.map((c) => c.speech.length),
    [2, 2, 1],
  );
  for (const c of chunks) assert.ok(c.endS - c.startS <= opts.maxChunkS + 1e-9);
});

test('padding never overlaps a neighbour and never leaves the audio', () => {
  const chunks = planChunks(
    [
      { startS: 0.05, endS: 2 },
      { startS: 2.1 + 1.5, endS: 5 },
      { startS: 99.9, endS: 100 },
    ],
    opts,
  );
  assert.equal(chunks[0]?.startS, 0);
  for (let i = 1; i < chunks.length; i++)
    assert.ok((chunks[i]?.startS ?? 0) >= (chunks[i - 1]?.endS ?? 0));
  assert.equal(chunks[chunks.length - 1]?.endS, 100);
});

test('no speech gives no chunks; empty spans are ignored', () => {
  assert.deepEqual(planChunks([], opts), []);
  assert.deepEqual(planChunks([{ startS: 3, endS: 3 }], opts), []);
});
