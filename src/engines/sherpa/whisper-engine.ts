/**
 * Whisper through sherpa-onnx's OfflineRecognizer. The language and task are fixed per
 * recognizer in sherpa-onnx 1.13.8, so a multilingual model keeps a small LRU of recognizers,
 * one per (language, task, tail padding) actually asked for; the common cases (detect + transcribe, English)
 * stay warm. Decodes run on the libuv pool through decodeAsync, never on the event loop.
 */
import type { AsrDecodeOptions, AsrDecodeResult, DecodePass, FileAsrEngine } from '../types.js';
import { loadSherpa, type SherpaOfflineRecognizer } from './binding.js';

export interface WhisperEngineConfig {
  readonly encoderPath: string;
  readonly decoderPath: string;
  readonly tokensPath: string;
  /** True for multilingual checkpoints (language detection, translation). */
  readonly multilingual: boolean;
  /**
   * Frames (10 ms) of zero features appended to each input for final decodes; -1 = the engine
   * default (10 s); 3000 always fills Whisper's 30 s window (MODELS.md: fewer hallucinations on
   * tiny.en, +49 % decode time).
   */
  readonly tailPaddingsFinal: number;
  /** The same for partial re-decodes, which favour speed. */
  readonly tailPaddingsPartial: number;
  /** The same for streaming finals (a person is waiting for them); defaults to the partials'. */
  readonly tailPaddingsLiveFinal?: number;
  /** Intra-op threads per decode; 1 gives the best throughput with one decode per core. */
  readonly numThreads: number;
  /** Most recognizers (distinct language/task pairs) kept loaded at once. */
  readonly maxRecognizers: number;
}

const WHISPER_SAMPLE_RATE_HZ = 16000;
/** Whisper's input window; sherpa-onnx truncates anything longer. */
const WHISPER_MAX_INPUT_S = 30;

export async function createWhisperEngine(config: WhisperEngineConfig): Promise<FileAsrEngine> {
  const engine = new WhisperEngine(config);
  // Load the default recognizer now, so start-up fails fast and the first request is warm.
  await engine.recognizerFor(
    config.multilingual ? '' : 'en',
    'transcribe',
    config.tailPaddingsFinal,
  );
  return engine;
}

class WhisperEngine implements FileAsrEngine {
  readonly sampleRateHz = WHISPER_SAMPLE_RATE_HZ;
  readonly maxInputS = WHISPER_MAX_INPUT_S;
  private readonly recognizers = new Map<string, Promise<SherpaOfflineRecognizer>>();
  private closed = false;

  constructor(private readonly config: WhisperEngineConfig) {}

  async decode(samples: Float32Array, options: AsrDecodeOptions): Promise<AsrDecodeResult> {
    if (this.closed) throw new Error('whisper engine is closed');
    const language = this.config.multilingual ? (options.language ?? '') : 'en';
    const tail = tailPaddingsFor(this.config, options.pass);
    const recognizer = await this.recognizerFor(language, options.task, tail);
    const stream = recognizer.createStream();
    stream.acceptWaveform({ samples, sampleRate: this.sampleRateHz });
    const result = await recognizer.decodeAsync(stream);
    return {
      text: result.text.trim(),
      language: parseLanguageTag(result.lang) || language,
      tokens: result.tokens,
    };
  }

  recognizerFor(
    language: string,
    task: 'transcribe' | 'translate',
    tailPaddings: number,
  ): Promise<SherpaOfflineRecognizer> {
    const key = `${language}|${task}|${tailPaddings}`;
    const hit = this.recognizers.get(key);
    if (hit !== undefined) {
      // Refresh LRU order.
      this.recognizers.delete(key);
      this.recognizers.set(key, hit);
      return hit;
    }
    const created = loadSherpa().OfflineRecognizer.createAsync({
      featConfig: { sampleRate: WHISPER_SAMPLE_RATE_HZ, featureDim: 80 },
      modelConfig: {
        whisper: {
          encoder: this.config.encoderPath,
          decoder: this.config.decoderPath,
          language,
          task,
          tailPaddings,
        },
        tokens: this.config.tokensPath,
        numThreads: this.config.numThreads,
        provider: 'cpu',
        debug: 0,
      },
    });
    this.recognizers.set(key, created);
    created.catch(() => this.recognizers.delete(key));
    while (this.recognizers.size > this.config.maxRecognizers) {
      const oldest = this.recognizers.keys().next().value;
      if (oldest === undefined) break;
      // Dropping the reference lets the addon's finalizer free the native recognizer once
      // in-flight decodes holding it finish.
      this.recognizers.delete(oldest);
    }
    return created;
  }

  close(): void {
    this.closed = true;
    this.recognizers.clear();
  }
}

/** The tail padding a pass decodes with. */
export function tailPaddingsFor(
  config: Pick<
    WhisperEngineConfig,
    'tailPaddingsFinal' | 'tailPaddingsPartial' | 'tailPaddingsLiveFinal'
  >,
  pass: DecodePass | undefined,
): number {
  if (pass === 'partial') return config.tailPaddingsPartial;
  if (pass === 'live_final') return config.tailPaddingsLiveFinal ?? config.tailPaddingsPartial;
  return config.tailPaddingsFinal;
}

/** sherpa-onnx reports the detected language as 'de' (1.13.8) or as Whisper's token '<|de|>'. */
export function parseLanguageTag(tag: string): string {
  const m = /^(?:<\|)?([a-z]{2,3}(?:-[A-Za-z]+)?)(?:\|>)?$/.exec(tag.trim());
  return m?.[1] ?? '';
}
