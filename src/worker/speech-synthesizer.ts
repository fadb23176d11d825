/**
 * TTS: text is split into sentences, each synthesised in turn, and the audio of each is
 * encoded and handed out as soon as it exists, so the first bytes leave before the whole
 * text is done. A cancelled request stops the engine at its next chunk.
 */
import {
  VoxfleetError,
  createSpeechEncoder,
  invalidArgument,
  type SynthesisRequest,
} from '../core/index.js';
import type { SynthesisStream } from '../fabric/index.js';
import type { DecodeScheduler } from './scheduling/decode-scheduler.js';
import type { ModelSet } from './model-set.js';
import { splitSentences } from './sentence-splitter.js';

export interface SynthesizerConfig {
  /** Longest input accepted, in characters (OpenAI's limit is 4096). */
  readonly maxInputChars: number;
}

export interface SynthesizerDeps {
  readonly models: ModelSet;
  readonly scheduler: DecodeScheduler;
  readonly config: SynthesizerConfig;
  /** Called once all audio was produced: seconds of speech and the compute time it took. */
  readonly onDone?: (model: string, audioS: number, computeMs: number) => void;
}

/** Validates the request and resolves the model now; audio is produced as `chunks` is read. */
export function startSynthesis(
  deps: SynthesizerDeps,
  request: SynthesisRequest,
  signal?: AbortSignal,
): SynthesisStream {
  const model = deps.models.resolveTts(request.model);
  const text = request.input.trim();
  if (text.length === 0)
    throw new VoxfleetError('TEXT_EMPTY', "'input' is empty", { field: 'input' });
  if (text.length > deps.config.maxInputChars) {
    throw new VoxfleetError(
      'TEXT_TOO_LONG',
      `'input' must be at most ${deps.config.maxInputChars} characters (got ${text.length})`,
      {
        field: 'input',
      },
    );
  }
  if (!(request.speed >= 0.25 && request.speed <= 4))
    throw invalidArgument('speed', 'must be between 0.25 and 4', request.speed);
  const voices = model.engine.voices;
  const voice = request.voice ?? voices[0];
  // OpenAI clients send their own voice names (alloy, nova...); those map to the default voice.
  const speakerId = Math.max(0, voices.indexOf(voice ?? ''));
  const encoder = createSpeechEncoder(request.format, model.engine.sampleRateHz);
  const sentences = splitSentences(text);
  if (sentences.length === 0)
    throw new VoxfleetError('TEXT_EMPTY', "'input' has nothing to say", { field: 'input' });

  async function* produce(): AsyncGenerator<Uint8Array> {
    let samplesOut = 0;
    let computeMs = 0;
    for (const sentence of sentences) {
      const pieces: Float32Array[] = [];
      const started = performance.now();
      await deps.scheduler.run(
        'speech',
        () =>
          model.engine.synthesize(sentence, { speakerId, speed: request.speed }, (samples) => {
            pieces.push(samples);
            return signal?.aborted !== true;
          }),
        signal,
      );
      signal?.throwIfAborted();
      computeMs += performance.now() - started;
      for (const p of pieces) {
        samplesOut += p.length;
        const bytes = encoder.push(p);
        if (bytes.length > 0) yield bytes;
      }
    }
    const tail = encoder.end();
    if (tail.length > 0) yield tail;
    deps.onDone?.(model.descriptor.name, samplesOut / model.engine.sampleRateHz, computeMs);
  }

  return {
    contentType: encoder.contentType,
    sampleRateHz: encoder.sampleRateHz,
    model: model.descriptor.name,
    modelVersion: model.descriptor.version,
    chunks: produce(),
  };
}
