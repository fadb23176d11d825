/**
 * Whisper through sherpa-onnx's OfflineRecognizer, with a small LRU of recognizers (one per
 * language, task and tail padding asked for: whisper-recognizers.ts); the common cases (detect +
 * transcribe, English) stay warm. Decodes run on the libuv pool through decodeAsync, never on the event loop.
 */
import type { AsrDecodeOptions, AsrDecodeResult, DecodePass, FileAsrEngine } from '../types.js';
import { loadSherpa, type SherpaOfflineRecognizer } from './binding.js';
import {
  RecognizerLru,
  WHISPER_MAX_INPUT_S,
  WHISPER_SAMPLE_RATE_HZ,
  whisperRecognizerConfig,
} from './whisper-recognizers.js';

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
  /**
   * What runs the model on inference threads: 'sherpa-onnx' (default) or 'onnxruntime'
   * (engines/ort: our features and a greedy loop that takes drafts; English-only). This
   * engine, on the libuv pool, is sherpa-onnx only.
   */
  readonly runtime?: 'sherpa-onnx' | 'onnxruntime';
}

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
  private readonly recognizers: RecognizerLru<Promise<SherpaOfflineRecognizer>>;
  private closed = false;

  constructor(private readonly config: WhisperEngineConfig) {
    this.recognizers = new RecognizerLru(config.maxRecognizers);
  }

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
    return this.recognizers.getOrCreate({ language, task, tailPaddings }, () => {
      const created = loadSherpa().OfflineRecognizer.createAsync(
        whisperRecognizerConfig(this.config, { language, task, tailPaddings }),
      );
      created.catch(() => this.recognizers.forget(created));
      return created;
    });
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
