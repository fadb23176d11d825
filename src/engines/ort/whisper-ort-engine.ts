/**
 * Whisper straight on ONNX Runtime (`onnxruntime-node`), with the same encoder and decoder files
 * sherpa-onnx loads (the sherpa-onnx Whisper layout: a variable-length encoder that returns every
 * layer's cross-attention keys and values, a decoder with a 448-token self-attention cache).
 *
 * Why a second way to run the same files: sherpa-onnx's Whisper decoder is a fixed greedy loop
 * with no prompt or prefix, so it cannot reuse what a partial already decoded, and its feature
 * extractor is slow (whisper-log-mel.ts). Here the features are ours and a decode can take a
 * draft (whisper-greedy.ts). The numbers behind it are in docs/scheduling.md.
 *
 * English-only checkpoints; one decode at a time per engine (the self-attention cache is the
 * engine's own), on `numThreads` intra-op threads.
 */
import type * as OnnxRuntime from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { AsrDecodeOptions, AsrDecodeResult, AsrDraft, FileAsrEngine } from '../types.js';
import { tailPaddingsFor, type WhisperEngineConfig } from '../sherpa/whisper-engine.js';
import { decodeGreedy } from './whisper-greedy.js';
import { WHISPER_MAX_INPUT_S, WHISPER_SAMPLE_RATE_HZ } from '../sherpa/whisper-recognizers.js';
import { WHISPER_MEL_BINS, whisperLogMel } from './whisper-log-mel.js';
import { specialTokensFor, WhisperVocabulary } from './whisper-vocabulary.js';
import type { WhisperSpecialTokens } from './whisper-vocabulary.js';

type OrtModule = typeof OnnxRuntime;

/** Whisper's window: 30 s of 10 ms frames; sherpa-onnx keeps 50 of them for tail padding. */
const MAX_FRAMES = 3000;
const MAX_SPEECH_FRAMES = MAX_FRAMES - 50;
/** sherpa-onnx's default tail padding (frames), used when a pass asks for <= 0. */
const DEFAULT_TAIL_PADDING_FRAMES = 1000;
const TEXT_CONTEXT_TOKENS = 448;
/** sherpa-onnx's cap: at most 6 tokens per second of audio. */
const TOKENS_PER_SECOND = 6;

/** Files and tail paddings per pass, as the sherpa-onnx Whisper engine takes them. */
export type WhisperOrtEngineConfig = Pick<
  WhisperEngineConfig,
  | 'encoderPath'
  | 'decoderPath'
  | 'tokensPath'
  | 'tailPaddingsFinal'
  | 'tailPaddingsPartial'
  | 'tailPaddingsLiveFinal'
  | 'numThreads'
>;

export interface WhisperOrtDecodeResult extends AsrDecodeResult {
  readonly draft: AsrDraft;
  /** Draft tokens kept, and decoder calls made: how much the draft saved. */
  readonly draftKept: number;
  readonly decoderCalls: number;
}

export interface WhisperPaddedDecode {
  readonly task: 'transcribe' | 'translate';
  /** Frames of zero features after the speech; <= 0 = sherpa-onnx's default of 1000. */
  readonly tailPaddings: number;
  readonly draft?: AsrDraft;
}

export interface WhisperOrtEngine extends FileAsrEngine {
  decode(samples: Float32Array, options: AsrDecodeOptions): Promise<WhisperOrtDecodeResult>;
  /** The same with the tail padding given, not looked up by pass (inference threads). */
  decodePadded(
    samples: Float32Array,
    options: WhisperPaddedDecode,
  ): Promise<WhisperOrtDecodeResult>;
}

export async function createWhisperOrtEngine(
  config: WhisperOrtEngineConfig,
): Promise<WhisperOrtEngine> {
  const ort: OrtModule = await import('onnxruntime-node');
  const sessionOptions: InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: config.numThreads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const [encoder, decoder, vocabulary] = await Promise.all([
    ort.InferenceSession.create(config.encoderPath, sessionOptions),
    ort.InferenceSession.create(config.decoderPath, sessionOptions),
    WhisperVocabulary.load(config.tokensPath),
  ]);
  // The vocabulary size fixes the special tokens (and refuses multilingual checkpoints).
  const special = specialTokensFor(vocabularySizeOf(decoder));
  const engine = new OrtWhisper(ort, encoder, decoder, vocabulary, special, config);
  // One decode of silence now: start-up fails fast on a wrong file, the first request is warm.
  await engine.warmUp();
  return engine;
}

class OrtWhisper implements WhisperOrtEngine {
  readonly sampleRateHz = WHISPER_SAMPLE_RATE_HZ;
  readonly maxInputS = WHISPER_MAX_INPUT_S;
  /** The decode in hand: one at a time, since the self-attention cache is per decode call chain. */
  private inFlight: Promise<WhisperOrtDecodeResult> | undefined;
  private closed = false;

  constructor(
    private readonly ort: OrtModule,
    private readonly encoder: InferenceSession,
    private readonly decoder: InferenceSession,
    private readonly vocabulary: WhisperVocabulary,
    private readonly special: WhisperSpecialTokens,
    private readonly config: WhisperOrtEngineConfig,
  ) {}

  async warmUp(): Promise<void> {
    await this.decodePadded(new Float32Array(WHISPER_SAMPLE_RATE_HZ / 2), {
      task: 'transcribe',
      tailPaddings: this.config.tailPaddingsFinal,
    });
  }

  decode(samples: Float32Array, options: AsrDecodeOptions): Promise<WhisperOrtDecodeResult> {
    return this.decodePadded(samples, {
      task: options.task,
      tailPaddings: tailPaddingsFor(this.config, options.pass),
      draft: options.draft,
    });
  }

  async decodePadded(
    samples: Float32Array,
    options: WhisperPaddedDecode,
  ): Promise<WhisperOrtDecodeResult> {
    if (this.closed) throw new Error('whisper engine is closed');
    if (this.inFlight !== undefined) throw new Error('whisper engine: one decode at a time');
    const decoding = this.decodeNow(samples, options);
    this.inFlight = decoding;
    try {
      return await decoding;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async decodeNow(
    samples: Float32Array,
    options: WhisperPaddedDecode,
  ): Promise<WhisperOrtDecodeResult> {
    const { ort } = this;
    const { features, frames: allFrames } = whisperLogMel(samples);
    const frames = Math.min(allFrames, MAX_SPEECH_FRAMES);
    const tail = options.tailPaddings > 0 ? options.tailPaddings : DEFAULT_TAIL_PADDING_FRAMES;
    const total = Math.max(1, Math.min(frames + tail, MAX_FRAMES));
    // The encoder takes mel bins by frames; the zero tail is Whisper's silence after normalising.
    const mel = new Float32Array(WHISPER_MEL_BINS * total);
    for (let t = 0; t < frames; t++) {
      for (let m = 0; m < WHISPER_MEL_BINS; m++) {
        mel[m * total + t] = features[t * WHISPER_MEL_BINS + m]!;
      }
    }
    const encoded = await this.encoder.run({
      mel: new ort.Tensor('float32', mel, [1, WHISPER_MEL_BINS, total]),
    });
    const crossK = encoded['n_layer_cross_k'];
    const crossV = encoded['n_layer_cross_v'];
    if (crossK === undefined || crossV === undefined) {
      throw new Error('whisper encoder: expected outputs n_layer_cross_k and n_layer_cross_v');
    }
    const [layers, , , state] = crossK.dims;
    const cacheShape = [layers!, 1, TEXT_CONTEXT_TOKENS, state!];
    const cacheSize = cacheShape.reduce((a, b) => a * b, 1);
    let cacheK: Tensor = new ort.Tensor('float32', new Float32Array(cacheSize), cacheShape);
    let cacheV: Tensor = new ort.Tensor('float32', new Float32Array(cacheSize), cacheShape);

    const step = async (tokens: readonly number[], offset: number): Promise<number[]> => {
      const out = await this.decoder.run({
        tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, tokens.length]),
        in_n_layer_self_k_cache: cacheK,
        in_n_layer_self_v_cache: cacheV,
        n_layer_cross_k: crossK,
        n_layer_cross_v: crossV,
        offset: new ort.Tensor('int64', BigInt64Array.of(BigInt(offset)), [1]),
      });
      const logits = out['logits'];
      const nextK = out['out_n_layer_self_k_cache'];
      const nextV = out['out_n_layer_self_v_cache'];
      if (logits === undefined || nextK === undefined || nextV === undefined) {
        throw new Error('whisper decoder: expected outputs logits and the self-attention caches');
      }
      cacheK = nextK;
      cacheV = nextV;
      return argmaxPerRow(logits.data as Float32Array, logits.dims[2]!);
    };

    const { special } = this;
    // English-only checkpoints have no task token: like sherpa-onnx, they ignore the task.
    const prompt = [special.startOfTranscript, special.noTimestamps];
    const result = await decodeGreedy(step, {
      prompt,
      endOfText: special.endOfText,
      maxTokens: Math.floor((frames / 100) * TOKENS_PER_SECOND),
      contextTokens: TEXT_CONTEXT_TOKENS,
      draft: options.draft?.tokens,
    });
    return {
      text: this.vocabulary.textOf(result.tokens),
      language: 'en',
      tokens: result.tokens.map((t) => this.vocabulary.pieceOf(t)),
      draft: { tokens: result.tokens },
      draftKept: result.draftKept,
      decoderCalls: result.decoderCalls,
    };
  }

  /** Refuses new decodes; the sessions are released once the decode in hand (if any) ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void (this.inFlight ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => Promise.all([this.encoder.release(), this.decoder.release()]));
  }
}

/** The decoder's vocabulary: the last dimension of its `logits` output. */
function vocabularySizeOf(decoder: InferenceSession): number {
  const logits = decoder.outputMetadata.find((m) => m.name === 'logits');
  const size = logits?.isTensor === true ? logits.shape[2] : undefined;
  if (typeof size !== 'number') {
    throw new Error(
      'whisper decoder: expected an output logits of shape [batch, tokens, vocabulary]',
    );
  }
  return size;
}

function argmaxPerRow(data: Float32Array, width: number): number[] {
  const rows = data.length / width;
  const choices: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = r * width;
    for (let i = best + 1; i < (r + 1) * width; i++) if (data[i]! > data[best]!) best = i;
    choices.push(best - r * width);
  }
  return choices;
}
