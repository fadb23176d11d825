/**
 * Silero VAD through sherpa-onnx. One native detector per session (VAD state is per stream).
 * Creating a detector builds an ONNX Runtime session: ~75 ms of the event loop on a 2-core Xeon
 * VM idle, 150-340 ms under load, where every other stream's audio and every refusal waited
 * behind it. So detectors are reused: a closed session's detector is reset and kept for the next
 * session with the same settings (idle-pool.ts), and `prewarm` makes them before traffic. Each
 * holds a ring buffer sized to the longest segment rather than the library's example of 120 s.
 */
import type { SpeechSegment, VadEngine, VadOptions, VadSession } from '../types.js';
import { loadSherpa, type SherpaVad } from './binding.js';
import { IdlePool } from './idle-pool.js';

export interface SileroVadConfig {
  readonly modelPath: string;
  /** Idle detectors kept for reuse, all settings together (each ~10 MB). */
  readonly maxIdleDetectors?: number;
}

const SILERO_SAMPLE_RATE_HZ = 16000;
/** Silero v5/v6 at 16 kHz consumes windows of exactly 512 samples (32 ms). */
const SILERO_WINDOW_SAMPLES = 512;
const DEFAULT_MAX_IDLE_DETECTORS = 16;

export interface SileroVadEngine extends VadEngine {
  /** Native detectors created so far (reuse keeps this at the peak of concurrent sessions). */
  readonly detectorsCreated: number;
}

export function createSileroVadEngine(config: SileroVadConfig): SileroVadEngine {
  const pool = new IdlePool<SherpaVad>(config.maxIdleDetectors ?? DEFAULT_MAX_IDLE_DETECTORS);
  const settingsKey = (o: VadOptions): string =>
    [o.threshold, o.minSpeechMs, o.minSilenceMs, o.maxSpeechMs].join('/');
  return {
    sampleRateHz: SILERO_SAMPLE_RATE_HZ,
    openSession: (options) => {
      const key = settingsKey(options);
      const vad = pool.take(key, () => createDetector(config.modelPath, options));
      return new SileroVadSession(vad, (used) => pool.give(key, used));
    },
    prewarm: (options, count) =>
      pool.fill(settingsKey(options), count, () => createDetector(config.modelPath, options)),
    get detectorsCreated() {
      return pool.created;
    },
    close: () => pool.close(),
  };
}

function createDetector(modelPath: string, options: VadOptions): SherpaVad {
  const sherpa = loadSherpa();
  const maxSpeechS = options.maxSpeechMs / 1000;
  return new sherpa.Vad(
    {
      sileroVad: {
        model: modelPath,
        threshold: options.threshold,
        minSpeechDuration: options.minSpeechMs / 1000,
        minSilenceDuration: options.minSilenceMs / 1000,
        windowSize: SILERO_WINDOW_SAMPLES,
        maxSpeechDuration: maxSpeechS,
      },
      sampleRate: SILERO_SAMPLE_RATE_HZ,
      numThreads: 1,
      debug: false,
    },
    // Ring buffer: the longest segment plus slack for the silence that closes it.
    Math.ceil(maxSpeechS + options.minSilenceMs / 1000 + 5),
  );
}

class SileroVadSession implements VadSession {
  /** Samples waiting to fill the next 512-sample window. */
  private pending = new Float32Array(SILERO_WINDOW_SAMPLES);
  private pendingLength = 0;
  /** Real samples fed so far; the native detector restarts its count at each reset. */
  private position = 0;
  private base = 0;

  constructor(
    private vad: SherpaVad | undefined,
    private readonly release: (vad: SherpaVad) => void,
  ) {}

  accept(samples: Float32Array): SpeechSegment[] {
    const vad = this.live();
    this.position += samples.length;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(SILERO_WINDOW_SAMPLES - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === SILERO_WINDOW_SAMPLES) {
        vad.acceptWaveform(this.pending);
        this.pendingLength = 0;
      }
    }
    return this.drain();
  }

  isSpeaking(): boolean {
    return this.live().isDetected();
  }

  flush(): SpeechSegment[] {
    const vad = this.live();
    if (this.pendingLength > 0) {
      // Zero-pad the last partial window so its speech is not dropped.
      this.pending.fill(0, this.pendingLength);
      vad.acceptWaveform(this.pending);
      this.pendingLength = 0;
    }
    vad.flush();
    const segments = this.drain();
    vad.reset();
    this.base = this.position;
    return segments;
  }

  /** Resets the detector and hands it back for the next session with the same settings. */
  close(): void {
    const vad = this.vad;
    if (vad === undefined) return;
    this.vad = undefined;
    vad.reset();
    this.release(vad);
  }

  private drain(): SpeechSegment[] {
    const vad = this.live();
    const out: SpeechSegment[] = [];
    while (!vad.isEmpty()) {
      const seg = vad.front();
      // Copy out of the addon's buffer: it is reused after pop().
      out.push({ startSample: this.base + seg.start, samples: Float32Array.from(seg.samples) });
      vad.pop();
    }
    return out;
  }

  private live(): SherpaVad {
    if (this.vad === undefined) throw new Error('VAD session is closed');
    return this.vad;
  }
}
