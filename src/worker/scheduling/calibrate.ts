/**
 * Start-up calibration for admission control: what one live stream costs on this machine
 * before live traffic has said so. A stream is modelled as one utterance every
 * UTTERANCE_EVERY_S seconds of audio (the dev set's average, 533 s over 82 utterances), each
 * costing one final decode of a 5 s utterance and one first-partial decode of 0.6 s.
 *
 * The probe audio is deterministic noise, not speech, so the decoder emits fewer tokens than
 * for speech; TOKEN_ALLOWANCE covers that (Whisper's encoder dominates a short decode, and the
 * live measure replaces this prior within seconds of traffic).
 */
import type { DecodePass, FileAsrEngine } from '../../engines/index.js';

const UTTERANCE_EVERY_S = 6.5;
const FINAL_PROBE_S = 5;
const PARTIAL_PROBE_S = 0.6;
const TOKEN_ALLOWANCE = 1.5;

/** Slot-ms of finals and first partials per second of stream audio. */
export async function measureStreamCost(engine: FileAsrEngine): Promise<number> {
  const decodeMs = async (seconds: number, pass: DecodePass): Promise<number> => {
    const samples = probeAudio(Math.round(seconds * engine.sampleRateHz));
    // Real compute time, whatever clock the worker's timers use.
    const started = performance.now();
    await engine.decode(samples, { task: 'transcribe', pass });
    return performance.now() - started;
  };
  await decodeMs(PARTIAL_PROBE_S, 'partial'); // warm-up: first calls allocate
  const perUtterance =
    (await decodeMs(FINAL_PROBE_S, 'live_final')) + (await decodeMs(PARTIAL_PROBE_S, 'partial'));
  return (perUtterance * TOKEN_ALLOWANCE) / UTTERANCE_EVERY_S;
}

/** Quiet pseudo-random noise from a fixed seed (a linear congruential generator). */
function probeAudio(length: number): Float32Array {
  const out = new Float32Array(length);
  let x = 12345;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = ((x / 2 ** 32) * 2 - 1) * 0.05;
  }
  return out;
}
