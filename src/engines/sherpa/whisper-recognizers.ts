/**
 * What both Whisper engines (libuv: whisper-engine.ts; own threads: threads/whisper-thread.ts)
 * share about recognizers: the sherpa-onnx config of one, and the small LRU they are kept in.
 * The language and task are fixed per recognizer in sherpa-onnx 1.13.8, so an engine keeps one
 * recognizer per (language, task, tail padding) actually asked for.
 */

export const WHISPER_SAMPLE_RATE_HZ = 16000;
/** Whisper's input window; sherpa-onnx truncates anything longer. */
export const WHISPER_MAX_INPUT_S = 30;

export interface WhisperModelFiles {
  readonly encoderPath: string;
  readonly decoderPath: string;
  readonly tokensPath: string;
  /** Intra-op threads per decode. */
  readonly numThreads: number;
}

export interface WhisperRecognizerKey {
  /** '' = detect (multilingual models). */
  readonly language: string;
  readonly task: 'transcribe' | 'translate';
  readonly tailPaddings: number;
}

/** sherpa-onnx's OfflineRecognizer config for one (language, task, tail padding). */
export function whisperRecognizerConfig(
  files: WhisperModelFiles,
  key: WhisperRecognizerKey,
): object {
  return {
    featConfig: { sampleRate: WHISPER_SAMPLE_RATE_HZ, featureDim: 80 },
    modelConfig: {
      whisper: {
        encoder: files.encoderPath,
        decoder: files.decoderPath,
        language: key.language,
        task: key.task,
        tailPaddings: key.tailPaddings,
      },
      tokens: files.tokensPath,
      numThreads: files.numThreads,
      provider: 'cpu',
      debug: 0,
    },
  };
}

/**
 * Recognizers by key, least recently used dropped beyond `max`. Dropping the reference lets the
 * addon's finalizer free the native recognizer once no decode holds it any more.
 */
export class RecognizerLru<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly max: number) {}

  getOrCreate(key: WhisperRecognizerKey, create: () => T): T {
    const id = `${key.language}|${key.task}|${key.tailPaddings}`;
    const hit = this.entries.get(id);
    if (hit !== undefined) {
      this.entries.delete(id); // refresh LRU order
      this.entries.set(id, hit);
      return hit;
    }
    const created = create();
    this.entries.set(id, created);
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return created;
  }

  /** Forgets `value` wherever it is held (a recognizer that failed to load). */
  forget(value: T): void {
    for (const [id, v] of this.entries) if (v === value) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
