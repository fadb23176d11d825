/**
 * Piper (VITS) voices through sherpa-onnx's OfflineTts. generateAsync runs on the libuv pool and
 * reports audio per espeak sentence through onProgress, which is what lets the gateway stream.
 */
import type { TtsEngine, TtsOptions } from '../types.js';
import { loadSherpa } from './binding.js';

export interface PiperEngineConfig {
  readonly modelPath: string;
  readonly tokensPath: string;
  readonly dataDir: string;
  readonly voices: readonly string[];
  readonly noiseScale: number;
  readonly noiseScaleW: number;
  readonly lengthScale: number;
  readonly numThreads: number;
  /**
   * Pause length inside sentences relative to the voice's own. sherpa-onnx defaults to 0.2
   * without a GenerationConfig, which clips commas; 1.0 matches upstream Piper (MODELS.md).
   */
  readonly silenceScale: number;
}

export async function createPiperEngine(config: PiperEngineConfig): Promise<TtsEngine> {
  const sherpa = loadSherpa();
  const tts = await sherpa.OfflineTts.createAsync({
    model: {
      vits: {
        model: config.modelPath,
        tokens: config.tokensPath,
        dataDir: config.dataDir,
        noiseScale: config.noiseScale,
        noiseScaleW: config.noiseScaleW,
        lengthScale: config.lengthScale,
      },
      numThreads: config.numThreads,
      provider: 'cpu',
      debug: 0,
    },
    maxNumSentences: 1,
  });
  let closed = false;
  return {
    sampleRateHz: tts.sampleRate,
    voices: config.voices,
    async synthesize(text: string, options: TtsOptions, onChunk: (s: Float32Array) => boolean) {
      if (closed) throw new Error('piper engine is closed');
      await tts.generateAsync({
        text,
        sid: options.speakerId,
        speed: options.speed,
        generationConfig: new sherpa.GenerationConfig({
          silenceScale: config.silenceScale,
          speed: options.speed,
          sid: options.speakerId,
        }),
        // Returning 0 asks sherpa-onnx to stop generating.
        onProgress: ({ samples }) => (onChunk(Float32Array.from(samples)) ? 1 : 0),
      });
    },
    close() {
      closed = true;
    },
  };
}
