/**
 * The gateway <-> worker contract: request and event shapes that cross the fabric.
 * Audio crosses as bytes (encoded files or raw frames) so the same shapes travel over NATS.
 * All times on the wire are seconds (`_s`) from the start of the audio, as clients see them.
 */
import type { RawEncoding, SpeechFormat } from './audio/types.js';
import type { WireError } from './errors.js';

export type ModelKind = 'asr' | 'tts' | 'vad';

/** What a worker says about one loaded model. */
export interface ModelDescriptor {
  readonly name: string;
  readonly version: string;
  readonly kind: ModelKind;
  /** ISO 639-1 codes; ['*'] for multilingual models. */
  readonly languages: readonly string[];
  readonly sampleRateHz: number;
  readonly capabilities: readonly (
    'transcribe' | 'translate' | 'detect_language' | 'stream' | 'synthesize'
  )[];
  readonly voices?: readonly string[];
  /** Aliases that resolve to this model, e.g. 'asr-en', 'whisper-1'. */
  readonly aliases: readonly string[];
}

export interface WordTiming {
  readonly word: string;
  readonly start_s: number;
  readonly end_s: number;
}

export interface TranscriptSegment {
  readonly id: number;
  readonly start_s: number;
  readonly end_s: number;
  readonly text: string;
  readonly words: readonly WordTiming[];
}

export type AsrTask = 'transcribe' | 'translate';

export interface FileTranscriptionRequest {
  /** Model name or alias; undefined picks by language. */
  readonly model?: string;
  /** ISO 639-1, 'auto', or undefined (English). */
  readonly language?: string;
  readonly task: AsrTask;
  readonly prompt?: string;
  /** The uploaded file as sent; the worker decodes it. */
  readonly audio: Uint8Array;
  /** Set when the upload is raw PCM without a container. */
  readonly rawFormat?: { readonly encoding: RawEncoding; readonly sampleRateHz: number };
  /** A rate the client declared for a container file; it must match the file's own header. */
  readonly declaredSampleRateHz?: number;
}

export interface FileTranscriptionResult {
  readonly model: string;
  readonly modelVersion: string;
  readonly language: string;
  readonly durationS: number;
  readonly text: string;
  readonly segments: readonly TranscriptSegment[];
}

export interface StreamOpenRequest {
  readonly sessionId: string;
  readonly model?: string;
  readonly language?: string;
  readonly encoding: RawEncoding;
  readonly sampleRateHz: number;
  readonly interimResults: boolean;
  /** Silence that ends an utterance. */
  readonly endpointingMs: number;
  /**
   * A shadow nobody listens to (a release's candidate): its decodes run in the batch share,
   * after every real-time decode, and its audio does not count as real-time load.
   */
  readonly background?: boolean;
}

/** Events a streaming session emits, in order; the gateway forwards them as WS messages. */
export type StreamEvent =
  | {
      readonly type: 'ready';
      readonly session_id: string;
      readonly model: string;
      readonly model_version: string;
    }
  | { readonly type: 'speech_started'; readonly start_s: number }
  | {
      readonly type: 'partial';
      readonly text: string;
      readonly stable_text: string;
      readonly start_s: number;
    }
  | {
      readonly type: 'final';
      readonly text: string;
      readonly start_s: number;
      readonly end_s: number;
      readonly words: readonly WordTiming[];
      readonly language: string;
    }
  | { readonly type: 'utterance_end'; readonly end_s: number }
  | {
      readonly type: 'error';
      readonly code: WireError['code'];
      readonly message: string;
      readonly retryable: boolean;
    }
  | {
      readonly type: 'closed';
      readonly audio_s: number;
      /**
       * Seconds the worker spent decoding this session (partials, finals, speculation): with
       * audio_s, the session's real-time factor. Absent from servers that do not measure it.
       */
      readonly decode_s?: number;
    };

export type StreamControl = { readonly type: 'finalize' } | { readonly type: 'close' };

export interface SynthesisRequest {
  readonly model?: string;
  readonly input: string;
  readonly voice?: string;
  /** 0.25..4, 1 = the voice's own pace. */
  readonly speed: number;
  readonly format: SpeechFormat;
}
