/**
 * The entry module of a whisper inference thread (started by `createWhisperThreadEngine`). It
 * loads its own sherpa-onnx recognizers and decodes with the synchronous `decode`: the thread is
 * the inference slot, so blocking it blocks neither the event loop nor the libuv pool. Being an
 * entry point, it starts serving when loaded; nothing imports it.
 *
 * Recognizers: the language and task are fixed per recognizer in sherpa-onnx 1.13.8, so, as in
 * whisper-engine.ts, the thread keeps a small LRU, one per (language, task, tail padding) asked
 * for. Decodes in a thread run one at a time, so dropping a recognizer never races a decode.
 */
import { createRequire } from 'node:module';
import type { SherpaOfflineResult, SherpaOfflineStream } from '../sherpa/binding.js';
import { serveThread } from './serve-thread.js';
import type {
  WhisperRecognizerKey,
  WhisperThreadData,
  WhisperThreadRequest,
  WhisperThreadResult,
} from './whisper-thread-protocol.js';

/** The synchronous slice of sherpa-onnx's OfflineRecognizer (binding.ts types the async one). */
interface SyncOfflineRecognizer {
  createStream(): SherpaOfflineStream;
  decode(stream: SherpaOfflineStream): void;
  getResult(stream: SherpaOfflineStream): SherpaOfflineResult;
}

interface SyncSherpaModule {
  OfflineRecognizer: new (config: object) => SyncOfflineRecognizer;
}

const WHISPER_SAMPLE_RATE_HZ = 16000;

serveThread<WhisperThreadRequest, WhisperThreadResult>((workerData) => {
  const data = workerData as WhisperThreadData;
  const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SyncSherpaModule;
  const recognizers = new Map<string, SyncOfflineRecognizer>();

  const recognizerFor = (key: WhisperRecognizerKey): SyncOfflineRecognizer => {
    const id = `${key.language}|${key.task}|${key.tailPaddings}`;
    const hit = recognizers.get(id);
    if (hit !== undefined) {
      recognizers.delete(id); // refresh LRU order
      recognizers.set(id, hit);
      return hit;
    }
    const created = new sherpa.OfflineRecognizer({
      featConfig: { sampleRate: WHISPER_SAMPLE_RATE_HZ, featureDim: 80 },
      modelConfig: {
        whisper: {
          encoder: data.encoderPath,
          decoder: data.decoderPath,
          language: key.language,
          task: key.task,
          tailPaddings: key.tailPaddings,
        },
        tokens: data.tokensPath,
        numThreads: data.numThreads,
        provider: 'cpu',
        debug: 0,
      },
    });
    recognizers.set(id, created);
    while (recognizers.size > data.maxRecognizers) {
      const oldest = recognizers.keys().next().value;
      if (oldest === undefined) break;
      // The addon's finalizer frees the native recognizer once nothing references it.
      recognizers.delete(oldest);
    }
    return created;
  };

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
