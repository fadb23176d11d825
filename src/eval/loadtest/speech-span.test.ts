import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findSpeechSpan } from './speech-span.js';

const RATE = 16000;

/** Silence, a 200 Hz tone at `amp`, silence; with a faint hiss under everything. */
function clip(leadS: number, toneS: number, tailS: number, amp = 0.3): Float32Array {
  const n = Math.round((leadS + toneS + tailS) * RATE);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / RATE;
    const hiss = 0.0005 * Math.sin(i * 1.7);
    out[i] = hiss + (t >= leadS && t < leadS + toneS ? amp * Math.sin(2 * Math.PI * 200 * t) : 0);
  }
  return out;
}

test('speech spans the loud part, to the 10 ms frame', () => {
  const span = findSpeechSpan(clip(0.3, 1.2, 0.5), RATE);
  assert.ok(span !== undefined);
  assert.ok(Math.abs(span.startS - 0.3) <= 0.01, `start ${span.startS}`);
  assert.ok(Math.abs(span.endS - 1.5) <= 0.01, `end ${span.endS}`);
});

test('quiet speech is still found; a level under the floor or pure silence is none', () => {
  const quiet = findSpeechSpan(clip(0.2, 0.5, 0.2, 0.01), RATE);
  assert.ok(quiet !== undefined && Math.abs(quiet.startS - 0.2) <= 0.01);
  assert.equal(findSpeechSpan(clip(0.2, 0.5, 0.2, 0.0001), RATE), undefined);
  assert.equal(findSpeechSpan(new Float32Array(RATE), RATE), undefined);
  assert.equal(findSpeechSpan(new Float32Array(0), RATE), undefined);
});
