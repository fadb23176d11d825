import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WHISPER_MEL_BINS, whisperLogMel } from './whisper-log-mel.js';

function tone(hz: number, seconds: number, amplitude = 0.5): Float32Array {
  return Float32Array.from(
    { length: Math.round(16_000 * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / 16_000),
  );
}

function loudestBin(features: Float32Array, frame: number): number {
  let best = 0;
  for (let m = 1; m < WHISPER_MEL_BINS; m++) {
    if (features[frame * WHISPER_MEL_BINS + m]! > features[frame * WHISPER_MEL_BINS + best]!)
      best = m;
  }
  return best;
}

test('one frame per 10 ms, 80 bins each', () => {
  const { features, frames } = whisperLogMel(tone(440, 1.005));
  assert.equal(frames, 100);
  assert.equal(features.length, 100 * WHISPER_MEL_BINS);
});

test('a tone lands in the mel bin of its frequency, and a higher tone in a higher bin', () => {
  // Slaney mel: 7.5 units at 500 Hz (linear below 1 kHz, 200/3 Hz a unit); 82 filter edges span
  // 0-45.25 units (8 kHz), 0.559 apart, so the filter centred nearest 500 Hz is number 12.
  const low = whisperLogMel(tone(500, 0.5));
  const high = whisperLogMel(tone(4000, 0.5));
  const lowBin = loudestBin(low.features, 25);
  assert.ok(lowBin >= 12 && lowBin <= 13, `500 Hz peaked in bin ${lowBin}`);
  assert.ok(loudestBin(high.features, 25) > lowBin + 30);
});

test('normalised as sherpa-onnx does: at most 8 decades below the peak, then (x + 4) / 4', () => {
  const { features } = whisperLogMel(tone(1000, 0.5));
  const max = Math.max(...features);
  const min = Math.min(...features);
  assert.ok(max - min <= 2 + 1e-6, `range ${max - min}`); // 8 decades / 4
  // Digital silence next to speech sits on the floor.
  const mixed = new Float32Array(16_000);
  mixed.set(tone(1000, 0.5), 0);
  const withSilence = whisperLogMel(mixed);
  const last = withSilence.features.subarray((withSilence.frames - 1) * WHISPER_MEL_BINS);
  const peak = Math.max(...withSilence.features);
  for (const x of last) assert.ok(Math.abs(x - (peak - 2)) < 1e-6);
});

test('the same values as the NumPy reference (Whisper audio.py with sherpa-onnx normalising)', () => {
  // A 1 kHz tone plus a rising 3.1 kHz one, 0.5 s. The reference values were computed with
  // NumPy as Whisper's audio.py does (np.pad 'reflect', np.fft.rfft, librosa's Slaney filters),
  // normalised as sherpa-onnx does: frames 0 and 1 test the reflected edge, 49 the last frame.
  const samples = Float32Array.from(
    { length: 8000 },
    (_, i) =>
      0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16_000) +
      0.2 * Math.sin((2 * Math.PI * 3100 * i) / 16_000) * (i / 7999),
  );
  const { features, frames } = whisperLogMel(samples);
  assert.equal(frames, 50);
  const bins = [0, 10, 22, 23, 40, 41, 60, 79];
  const reference: Record<number, number[]> = {
    0: [0.79975, 0.83938, 1.09976, 1.19321, 0.66952, 0.63486, 0.28645, 0.09889],
    1: [0.28635, 0.32366, 0.49387, 0.49995, 0.16219, 0.12901, -0.22327, -0.4112],
    49: [0.28895, 0.32511, 0.49396, 0.50005, 0.1299, 0.09089, -0.05169, -0.32628],
  };
  for (const [frame, values] of Object.entries(reference)) {
    bins.forEach((bin, i) => {
      const got = features[Number(frame) * WHISPER_MEL_BINS + bin]!;
      assert.ok(
        Math.abs(got - values[i]!) < 1e-4,
        `frame ${frame} bin ${bin}: ${got} vs ${values[i]}`,
      );
    });
  }
});

test('empty and too-short input give no frames instead of throwing', () => {
  assert.equal(whisperLogMel(new Float32Array(0)).frames, 0);
  assert.equal(whisperLogMel(new Float32Array(100)).frames, 0);
  assert.equal(whisperLogMel(new Float32Array(1)).frames, 0);
});
