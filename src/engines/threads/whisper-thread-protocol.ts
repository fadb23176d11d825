/** What the whisper engine sends to its inference threads and what comes back. */
import type { WhisperModelFiles, WhisperRecognizerKey } from '../sherpa/whisper-recognizers.js';

export type { WhisperRecognizerKey };

/** The thread's `workerData`: what every recognizer it loads shares. */
export interface WhisperThreadData extends WhisperModelFiles {
  /** Most recognizers (language/task/tail padding) one thread keeps loaded. */
  readonly maxRecognizers: number;
  /** Loaded at start-up, so a model that cannot load fails the pool's start. */
  readonly warm: WhisperRecognizerKey;
  /** The thread's nice value (Linux keeps one per thread); absent = the process's. */
  readonly nice?: number;
  /**
   * What runs the model: sherpa-onnx's recognizers, or ONNX Runtime with our features and
   * greedy loop (engines/ort), which takes drafts. Absent = sherpa-onnx.
   */
  readonly runtime?: WhisperRuntime;
}

export type WhisperRuntime = 'sherpa-onnx' | 'onnxruntime';

export interface WhisperThreadRequest extends WhisperRecognizerKey {
  /** 16 kHz mono; moved into the thread (transferred), not copied. */
  readonly samples: Float32Array;
  /** An earlier decode's tokens of the same utterance (the onnxruntime runtime uses them). */
  readonly draft?: readonly number[];
}

/** sherpa-onnx's result, untrimmed; the engine turns it into an `AsrDecodeResult`. */
export interface WhisperThreadResult {
  readonly text: string;
  readonly lang: string;
  readonly tokens: string[];
  /** This decode's tokens, for the next decode of the utterance (onnxruntime runtime only). */
  readonly draft?: readonly number[];
}
