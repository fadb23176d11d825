/**
 * Scripted engines for unit tests of voxfleet's own logic (sessions, scheduling, cleanup).
 * Integration tests use the real models; nothing here is shipped in a serving path.
 */
import type {
  AsrDecodeOptions,
  AsrDecodeResult,
  FileAsrEngine,
  SpeechSegment,
  VadEngine,
  VadOptions,
  VadSession,
} from '../types.js';

/**
 * An ASR engine whose "transcript" is one word per 100 ms of non-silent audio ("w1 w2 ..."),
 * so tests can predict partials and finals from the audio they send.
 */
export class FakeAsrEngine implements FileAsrEngine {
  readonly sampleRateHz = 16000;
  readonly maxInputS = 30;
  readonly calls: { samples: number; options: AsrDecodeOptions }[] = [];

  constructor(
    private readonly script?: (samples: Float32Array, options: AsrDecodeOptions) => string,
    /** Return a draft: one "token", the number of samples decoded. */
    private readonly drafts = false,
  ) {}

  decode(samples: Float32Array, options: AsrDecodeOptions): Promise<AsrDecodeResult> {
    this.calls.push({ samples: samples.length, options });
    const text = this.script?.(samples, options) ?? wordsFor(samples, this.sampleRateHz);
    return Promise.resolve({
      text,
      language: options.language ?? 'en',
      tokens: [],
      ...(this.drafts ? { draft: { tokens: [samples.length] } } : {}),
    });
  }

  close(): void {}
}

function wordsFor(samples: Float32Array, rate: number): string {
  const block = rate / 10;
  const words: string[] = [];
  for (let i = 0; i + block <= samples.length; i += block) {
    let energy = 0;
    for (let k = i; k < i + block; k++) energy += Math.abs(samples[k] ?? 0);
    if (energy / block > 0.05) words.push(`w${words.length + 1}`);
  }
  return words.join(' ');
}

/** A VAD that calls any 32 ms window with mean |x| > 0.05 speech. */
export class EnergyVad implements VadEngine {
  readonly sampleRateHz = 16000;
  openSession(options: VadOptions): VadSession {
    return new EnergyVadSession(options, this.sampleRateHz);
  }
  /** What the worker asked to have ready (energy detection needs no preparation). */
  readonly prewarmed: Array<{ options: VadOptions; count: number }> = [];
  prewarm(options: VadOptions, count: number): void {
    this.prewarmed.push({ options, count });
  }
  close(): void {}
}

class EnergyVadSession implements VadSession {
  private position = 0;
  private speechStart: number | undefined;
  private silentSince: number | undefined;
  private buffer: number[] = [];
  private closed = false;

  constructor(
    private readonly options: VadOptions,
    private readonly rate: number,
  ) {}

  accept(samples: Float32Array): SpeechSegment[] {
    if (this.closed) throw new Error('closed');
    const out: SpeechSegment[] = [];
    const win = 512;
    for (let i = 0; i < samples.length; i += win) {
      const w = samples.subarray(i, Math.min(samples.length, i + win));
      let e = 0;
      for (const s of w) e += Math.abs(s);
      const speech = e / Math.max(1, w.length) > 0.05;
      if (speech) {
        this.speechStart ??= this.position;
        this.silentSince = undefined;
      } else if (this.speechStart !== undefined) {
        this.silentSince ??= this.position;
      }
      if (this.speechStart !== undefined) this.buffer.push(...w);
      this.position += w.length;
      const silenceMs =
        this.silentSince === undefined
          ? 0
          : ((this.position - this.silentSince) / this.rate) * 1000;
      const speechMs = ((this.position - (this.speechStart ?? this.position)) / this.rate) * 1000;
      if (
        this.speechStart !== undefined &&
        (silenceMs >= this.options.minSilenceMs || speechMs >= this.options.maxSpeechMs)
      ) {
        out.push(...this.close_());
      }
    }
    return out;
  }

  isSpeaking(): boolean {
    return this.speechStart !== undefined && this.silentSince === undefined;
  }

  flush(): SpeechSegment[] {
    return this.close_();
  }

  close(): void {
    this.closed = true;
  }

  private close_(): SpeechSegment[] {
    if (this.speechStart === undefined) return [];
    const end = this.silentSince ?? this.position;
    const seg = {
      startSample: this.speechStart,
      samples: Float32Array.from(this.buffer.slice(0, end - this.speechStart)),
    };
    this.speechStart = undefined;
    this.silentSince = undefined;
    this.buffer = [];
    return [seg];
  }
}
