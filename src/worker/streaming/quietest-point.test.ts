import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat } from '../../core/audio/deferred-resampler.js';
import { sine } from '../../core/audio/testing/signals.js';
import { quietestPoint } from './quietest-point.js';

const RATE = 16000;

const tone = (ms: number, amp: number): Float32Array => sine(500, RATE, ms / 1000, amp);

test('the cut lands in the middle of the quietest 100 ms', () => {
  const audio = concat([
    tone(700, 0.5),
    tone(120, 0.02),
    tone(500, 0.4),
    tone(150, 0.1),
    tone(300, 0.5),
  ]);
  const at = quietestPoint(audio, RATE);
  // The 0.02 dip spans 700-820 ms; its quietest 100 ms is inside it.
  assert.ok(at >= 0.75 * RATE && at <= 0.77 * RATE, `cut at ${at / RATE} s`);
});

test('shorter than one stretch: the middle', () => {
  assert.equal(quietestPoint(new Float32Array(800), RATE), 400);
  assert.equal(quietestPoint(new Float32Array(0), RATE), 0);
});
