/**
 * Silero VAD detectors are reused across sessions (src/engines/sherpa/silero-vad-engine.ts):
 * a reused detector must say exactly what a new one says, and reuse must actually spare the
 * build (each costs tens of ms of the event loop).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  createSileroVadEngine,
  type SpeechSegment,
  type VadEngine,
  type VadOptions,
} from '../src/engines/index.js';
import { DEV_AUDIO, MODELS_MIRROR } from './helpers/paths.js';
import { samples16kOf } from './helpers/recorded-audio.js';

const samplesOf = (id: string): Promise<Float32Array> => samples16kOf(join(DEV_AUDIO, `${id}.wav`));
const modelPath = join(MODELS_MIRROR, 'silero-vad', 'silero_vad.onnx');
const OPTIONS: VadOptions = {
  threshold: 0.5,
  minSpeechMs: 64,
  minSilenceMs: 200,
  maxSpeechMs: 7000,
};

/** Feeds `samples` in 100 ms frames and flushes: every segment the session reports. */
function segmentsOf(vad: VadEngine, samples: Float32Array, upTo = samples.length): SpeechSegment[] {
  const session = vad.openSession(OPTIONS);
  const out: SpeechSegment[] = [];
  for (let i = 0; i < upTo; i += 1600)
    out.push(...session.accept(samples.subarray(i, Math.min(upTo, i + 1600))));
  if (upTo === samples.length) out.push(...session.flush());
  session.close();
  return out;
}

test('a detector reused after a session closed mid-speech says what a new one says', async () => {
  const a = await samplesOf('LJ001-0013');
  const b = await samplesOf('LJ001-0125');
  const reused = createSileroVadEngine({ modelPath });
  // Left in speech, with audio in its buffer and state in its model.
  segmentsOf(reused, a, Math.floor(a.length / 2));
  const again = segmentsOf(reused, b);
  assert.equal(reused.detectorsCreated, 1, 'the second session reused the first one detector');
  const fresh = segmentsOf(createSileroVadEngine({ modelPath }), b);
  assert.ok(fresh.length > 0, 'the utterance has speech');
  assert.deepEqual(
    again.map((s) => [s.startSample, s.samples.length]),
    fresh.map((s) => [s.startSample, s.samples.length]),
  );
  for (const [i, s] of again.entries()) assert.deepEqual(s.samples, fresh[i]!.samples);
});

test('prewarmed detectors serve the first sessions; other settings get their own', () => {
  const vad = createSileroVadEngine({ modelPath, maxIdleDetectors: 4 });
  vad.prewarm(OPTIONS, 3);
  assert.equal(vad.detectorsCreated, 3);
  const open = [1, 2, 3].map(() => vad.openSession(OPTIONS));
  assert.equal(vad.detectorsCreated, 3, 'three sessions, no detector built for them');
  open.push(vad.openSession(OPTIONS));
  open.push(vad.openSession({ ...OPTIONS, minSilenceMs: 500 }));
  assert.equal(vad.detectorsCreated, 5);
  for (const s of open) s.close();
  // Five closed, four kept (the other settings' one came last and was dropped); a closed
  // session stays closed and gives nothing back twice.
  open[0]!.close();
  assert.throws(() => open[0]!.accept(new Float32Array(512)), /closed/);
  const again = [1, 2, 3, 4].map(() => vad.openSession(OPTIONS));
  assert.equal(vad.detectorsCreated, 5, 'four sessions on the four kept detectors');
  again.push(vad.openSession(OPTIONS));
  assert.equal(vad.detectorsCreated, 6);
  for (const s of again) s.close();
  vad.close();
});
