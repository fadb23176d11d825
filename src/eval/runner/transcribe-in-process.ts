/**
 * The engine path: one manifest item through the worker's file pipeline in this process — decode
 * the file, resample to the model rate, VAD chunking, engine decode — with no HTTP, multipart or
 * fabric in between. The request is the one the REST route would build from the same upload,
 * so engine and REST differ only by what serving adds.
 *
 * `latencyMs` is the transcriber call: the whole file pipeline, audio decoding and VAD included.
 */
import type { ManifestItem } from '../manifest.js';
import type { InProcessTranscriber } from './eval-target.js';

/** What one request gives back, whatever the path. */
export interface Outcome {
  hyp: string;
  durationS: number;
  latencyMs: number;
  firstPartialMs?: number;
  finalMs?: number;
  model?: string;
  modelVersion?: string;
}

export interface InProcessRequestOptions {
  readonly model: string | undefined;
  /** Milliseconds on a monotonic timeline; performance.now by default. */
  readonly now?: () => number;
}

export async function transcribeInProcess(
  transcriber: InProcessTranscriber,
  bytes: Uint8Array,
  item: ManifestItem,
  language: string | undefined,
  options: InProcessRequestOptions,
  signal: AbortSignal,
): Promise<Outcome> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const result = await transcriber.transcribe(
    {
      task: 'transcribe',
      audio: bytes,
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(language !== undefined ? { language } : {}),
    },
    { signal },
  );
  const latencyMs = now() - started;
  return {
    hyp: result.text,
    durationS: result.durationS > 0 ? result.durationS : (item.durationS ?? 0),
    latencyMs,
    model: result.model,
    modelVersion: result.modelVersion,
  };
}
