/**
 * Silero VAD through sherpa-onnx. One native detector per session (VAD state is per stream);
 * detectors are cheap (~2 ms to create) but hold a ring buffer, so it is sized to the longest
 * segment rather than the library's example of 120 s.
 */
import type { SpeechSegment, VadEngine, VadOptions, VadSession } from '../types.js';
import { loadSherpa, type SherpaVad } from './binding.js';

export interface SileroVadConfig {
  readonly modelPath: string;
}

const SILERO_SAMPLE_RATE_HZ = 16000;
/** Silero v5/v6 at 16 kHz consumes windows of exactly 512 samples (32 ms). */
const SILERO_WINDOW_SAMPLES = 512;

export function createSileroVadEngine(config: SileroVadConfig): VadEngine {
  return {
    sampleRateHz: SILERO_SAMPLE_RATE_HZ,
    openSession: (options) => new SileroVadSession(config, options),
    close: () => undefined,
  };
}

class SileroVadSession implements VadSession {
  private vad: SherpaVad | undefined;
  /** Samples waiting to fill the next 512-sample window. */
  private pending = new Float32Array(SILERO_WINDOW_SAMPLES);
  private pendingLength = 0;
  /** Real samples fed so far; the native detector restarts its count at each reset. */
  private position = 0;
  private base = 0;

  constructor(config: SileroVadConfig, options: VadOptions) {
    const sherpa = loadSherpa();
    const maxSpeechS = options.maxSpeechMs / 1000;
    this.vad = new sherpa.Vad(
      {
        sileroVad: {
          model: config.modelPath,
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

  close(): void {
    this.vad?.reset();
    this.vad = undefined;
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
