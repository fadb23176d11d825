/**
 * Where `voxfleet eval` sends audio: a voxfleet server (the REST and WebSocket paths), or a file
 * transcriber running in this process (the engine path). eval imports neither the worker nor
 * the engines (ARCHITECTURE.md: eval may import core and client); the CLI composes the
 * in-process transcriber from them and hands it in here.
 */
import type { FileTranscriptionRequest, FileTranscriptionResult } from '../../core/index.js';
import type { ServedModel } from './server-info.js';

/** The worker's file transcription, called directly: no HTTP, no fabric. */
export interface InProcessTranscriber {
  /** What the in-process transcriber can serve, in place of `GET /v1/models`. */
  readonly models: readonly ServedModel[];
  /** Recorded as the run's URL (result.json `config.url`). */
  readonly description: string;
  transcribe(
    request: FileTranscriptionRequest,
    options: { readonly signal: AbortSignal },
  ): Promise<FileTranscriptionResult>;
}

export type EvalTarget =
  | { readonly kind: 'server'; readonly baseUrl: string }
  | { readonly kind: 'in-process'; readonly transcriber: InProcessTranscriber };

/** The URL (or description) recorded for the run. */
export function describeTarget(target: EvalTarget): string {
  return target.kind === 'server' ? target.baseUrl : target.transcriber.description;
}
