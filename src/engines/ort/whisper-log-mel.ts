/**
 * Whisper's input features: an 80-bin log-mel spectrogram, 25 ms Hann windows every 10 ms,
 * computed the way OpenAI's reference does (centred frames with reflected edges, a 400-point FFT,
 * Slaney mel filters), normalised the way sherpa-onnx does before its encoder (log10, floor at
 * the maximum minus 8, then (x + 4) / 4).
 *
 * Why not sherpa-onnx's: its feature extractor runs inside `acceptWaveform` at about 25 ms per
 * second of audio on the 2-core VMs measured (240-300 ms for a 10.4 s utterance, a quarter of the
 * whole decode), and a streaming session pays it again on every re-decode of an open utterance.
 * A real FFT (kissfft, mixed radix, so 400 points need no zero padding) takes a few milliseconds.
 */
import { createRequire } from 'node:module';
import { WHISPER_SAMPLE_RATE_HZ } from '../sherpa/whisper-recognizers.js';

export const WHISPER_MEL_BINS = 80;
const FFT_SIZE = 400;
const HOP_SAMPLES = 160;
const SPECTRUM_BINS = FFT_SIZE / 2 + 1;

interface KissFftReal {
  /** Returns interleaved re/im pairs for bins 0..size/2 (a view into the FFT's own memory). */
  forward(input: Float32Array): Float32Array;
}
interface KissFftModule {
  FFTR: new (size: number) => KissFftReal;
}

let fft: KissFftReal | undefined;
function realFft(): KissFftReal {
  if (fft === undefined) {
    const kiss = createRequire(import.meta.url)('kissfft-js') as KissFftModule;
    fft = new kiss.FFTR(FFT_SIZE);
  }
  return fft;
}

/** One mel filter: its weights over a contiguous run of spectrum bins. */
interface MelFilter {
  readonly firstBin: number;
  readonly weights: Float32Array;
}

function hzToSlaneyMel(hz: number): number {
  return hz < 1000 ? hz / (200 / 3) : 15 + Math.log(hz / 1000) / (Math.log(6.4) / 27);
}

function slaneyMelToHz(mel: number): number {
  return mel < 15 ? mel * (200 / 3) : 1000 * Math.exp((Math.log(6.4) / 27) * (mel - 15));
}

/** librosa.filters.mel(sr=16000, n_fft=400, n_mels=80): Slaney scale, area-normalised. */
function buildMelFilters(): readonly MelFilter[] {
  const topMel = hzToSlaneyMel(WHISPER_SAMPLE_RATE_HZ / 2);
  const edgesHz = Array.from({ length: WHISPER_MEL_BINS + 2 }, (_, i) =>
    slaneyMelToHz((topMel * i) / (WHISPER_MEL_BINS + 1)),
  );
  const binHz = (bin: number): number => (bin * WHISPER_SAMPLE_RATE_HZ) / FFT_SIZE;
  const filters: MelFilter[] = [];
  for (let m = 0; m < WHISPER_MEL_BINS; m++) {
    const [low, centre, high] = [edgesHz[m]!, edgesHz[m + 1]!, edgesHz[m + 2]!];
    const norm = 2 / (high - low);
    const weights: number[] = [];
    let firstBin = -1;
    for (let bin = 0; bin < SPECTRUM_BINS; bin++) {
      const f = binHz(bin);
      const w = Math.max(0, Math.min((f - low) / (centre - low), (high - f) / (high - centre)));
      if (w > 0) {
        if (firstBin < 0) firstBin = bin;
        weights[bin - firstBin] = w * norm;
      }
    }
    filters.push({
      firstBin: Math.max(0, firstBin),
      weights: Float32Array.from(weights, (w) => w ?? 0),
    });
  }
  return filters;
}

let melFilters: readonly MelFilter[] | undefined;
let hann: Float32Array | undefined;

/** Reflects around the edges (numpy's 'reflect': the edge sample itself is not repeated). */
function reflectedAt(samples: Float32Array, index: number): number {
  const n = samples.length;
  if (n === 1) return samples[0]!;
  const period = 2 * (n - 1);
  let i = Math.abs(index) % period;
  if (i >= n) i = period - i;
  return samples[i]!;
}

/**
 * Log-mel features of `samples` (16 kHz mono), frame-major: `frames` rows of 80 values. One frame
 * per 10 ms (`floor(samples / 160)`), as Whisper's reference drops the STFT's last frame.
 */
export function whisperLogMel(samples: Float32Array): { features: Float32Array; frames: number } {
  if (samples.length < 2) return { features: new Float32Array(0), frames: 0 };
  melFilters ??= buildMelFilters();
  hann ??= Float32Array.from(
    { length: FFT_SIZE },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / FFT_SIZE),
  );
  const frames = Math.floor(samples.length / HOP_SAMPLES);
  const features = new Float32Array(frames * WHISPER_MEL_BINS);
  const frame = new Float32Array(FFT_SIZE);
  const power = new Float32Array(SPECTRUM_BINS);
  const half = FFT_SIZE / 2;
  const transform = realFft();
  let max = -Infinity;
  for (let t = 0; t < frames; t++) {
    const start = t * HOP_SAMPLES - half;
    const inside = start >= 0 && start + FFT_SIZE <= samples.length;
    for (let i = 0; i < FFT_SIZE; i++) {
      const x = inside ? samples[start + i]! : reflectedAt(samples, start + i);
      frame[i] = x * hann[i]!;
    }
    const spectrum = transform.forward(frame);
    for (let k = 0; k < SPECTRUM_BINS; k++) {
      const re = spectrum[2 * k]!;
      const im = spectrum[2 * k + 1]!;
      power[k] = re * re + im * im;
    }
    const row = t * WHISPER_MEL_BINS;
    for (let m = 0; m < WHISPER_MEL_BINS; m++) {
      const { firstBin, weights } = melFilters[m]!;
      let energy = 0;
      for (let j = 0; j < weights.length; j++) energy += weights[j]! * power[firstBin + j]!;
      const log = Math.log10(Math.max(energy, 1e-10));
      features[row + m] = log;
      if (log > max) max = log;
    }
  }
  const floor = max - 8;
  for (let i = 0; i < features.length; i++) features[i] = (Math.max(features[i]!, floor) + 4) / 4;
  return { features, frames };
}
