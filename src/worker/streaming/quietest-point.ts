/**
 * Where to cut speech that goes on without a pause: the middle of its quietest stretch. Between
 * words the signal drops even when the VAD hears no pause, so a cut there rarely splits a word
 * (measured on the dev set: docs/scheduling.md).
 */

/** Length of the stretch whose energy is compared, and the step between candidates. */
const STRETCH_MS = 100;
const STEP_MS = 10;

/**
 * The index in `samples` of the middle of its quietest `STRETCH_MS` (lowest mean square);
 * the middle of `samples` when it is shorter than one stretch.
 */
export function quietestPoint(samples: Float32Array, sampleRateHz: number): number {
  const stretch = Math.round((STRETCH_MS / 1000) * sampleRateHz);
  const step = Math.max(1, Math.round((STEP_MS / 1000) * sampleRateHz));
  if (samples.length <= stretch) return Math.floor(samples.length / 2);
  // Prefix sums of squares: every stretch's energy in O(1).
  const prefix = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) prefix[i + 1] = prefix[i]! + samples[i]! * samples[i]!;
  let best = 0;
  let bestEnergy = Infinity;
  for (let start = 0; start + stretch <= samples.length; start += step) {
    const energy = prefix[start + stretch]! - prefix[start]!;
    if (energy < bestEnergy) {
      bestEnergy = energy;
      best = start;
    }
  }
  return best + Math.floor(stretch / 2);
}
