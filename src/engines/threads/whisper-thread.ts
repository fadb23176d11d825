/**
 * The entry module of a whisper inference thread (started by `createWhisperThreadEngine`). It
 * loads its own sherpa-onnx recognizers and decodes with the synchronous `decode`: the thread is
 * the inference slot, so blocking it blocks neither the event loop nor the libuv pool. Being an
 * entry point, it starts serving when loaded; nothing imports it.
 *
 * Recognizers: the same LRU and config as whisper-engine.ts (sherpa/whisper-recognizers.ts).
 * With the onnxruntime runtime the thread owns one engines/ort engine instead (English-only
 * checkpoints, so one engine serves every request) and passes drafts through.
 */
import { setPriority } from 'node:os';
import { createWhisperOrtEngine } from '../ort/whisper-ort-engine.js';
import { loadSherpa, type SherpaOfflineRecognizer } from '../sherpa/binding.js';
import {
  RecognizerLru,
  WHISPER_SAMPLE_RATE_HZ,
  whisperRecognizerConfig,
} from '../sherpa/whisper-recognizers.js';
import { serveThread, type ThreadHandler } from './serve-thread.js';
import type {
  WhisperRecognizerKey,
  WhisperThreadData,
  WhisperThreadRequest,
  WhisperThreadResult,
} from './whisper-thread-protocol.js';

serveThread<WhisperThreadRequest, WhisperThreadResult>((workerData) => {
  const data = workerData as WhisperThreadData;
  // Linux keeps a nice value per thread: this lowers this thread only (and, with numThreads 1,
  // the ONNX Runtime compute, which runs on the calling thread). It cannot be raised back.
  if (data.nice !== undefined) setPriority(data.nice);
  if (data.runtime === 'onnxruntime') return serveOnnxRuntime(data);
  const sherpa = loadSherpa();
  // Decodes in a thread run one at a time, so dropping a recognizer never races a decode.
  const recognizers = new RecognizerLru<SherpaOfflineRecognizer>(data.maxRecognizers);
  const recognizerFor = (key: WhisperRecognizerKey): SherpaOfflineRecognizer =>
    recognizers.getOrCreate(
      key,
      () => new sherpa.OfflineRecognizer(whisperRecognizerConfig(data, key)),
    );

  recognizerFor(data.warm);

  return (request) => {
    const recognizer = recognizerFor(request);
    const stream = recognizer.createStream();
    stream.acceptWaveform({ samples: request.samples, sampleRate: WHISPER_SAMPLE_RATE_HZ });
    recognizer.decode(stream);
    const { text, lang, tokens } = recognizer.getResult(stream);
    return { result: { text, lang, tokens } };
  };
});

async function serveOnnxRuntime(
  data: WhisperThreadData,
): Promise<ThreadHandler<WhisperThreadRequest, WhisperThreadResult>> {
  const engine = await createWhisperOrtEngine({
    encoderPath: data.encoderPath,
    decoderPath: data.decoderPath,
    tokensPath: data.tokensPath,
    numThreads: data.numThreads,
    tailPaddingsFinal: data.warm.tailPaddings,
    tailPaddingsPartial: data.warm.tailPaddings,
  });
  return async (request) => {
    if (request.language !== 'en' && request.language !== '') {
      throw new Error(
        `the onnxruntime whisper runtime serves English only (asked: ${request.language})`,
      );
    }
    const result = await engine.decodePadded(request.samples, {
      task: request.task,
      tailPaddings: request.tailPaddings,
      draft: request.draft === undefined ? undefined : { tokens: request.draft },
    });
    return {
      result: {
        text: result.text,
        lang: 'en',
        tokens: [...result.tokens],
        draft: result.draft.tokens,
      },
    };
  };
}
