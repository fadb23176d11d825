/** What the whisper engine sends to its inference threads and what comes back. */

/** The thread's `workerData`: what every recognizer it loads shares. */
export interface WhisperThreadData {
  readonly encoderPath: string;
  readonly decoderPath: string;
  readonly tokensPath: string;
  /** Intra-op threads per decode inside the thread; 1 = the thread is the slot. */
  readonly numThreads: number;
  /** Most recognizers (language/task/tail padding) one thread keeps loaded. */
  readonly maxRecognizers: number;
  /** Loaded at start-up, so a model that cannot load fails the pool's start. */
  readonly warm: WhisperRecognizerKey;
}

export interface WhisperRecognizerKey {
  /** '' = detect (multilingual models). */
  readonly language: string;
  readonly task: 'transcribe' | 'translate';
  readonly tailPaddings: number;
}

export interface WhisperThreadRequest extends WhisperRecognizerKey {
  /** 16 kHz mono; moved into the thread (transferred), not copied. */
  readonly samples: Float32Array;
}

/** sherpa-onnx's result, untrimmed; the engine turns it into an `AsrDecodeResult`. */
export interface WhisperThreadResult {
  readonly text: string;
  readonly lang: string;
  readonly tokens: string[];
}
