/**
 * One small interface per model kind. Implementations run inference off the event loop
 * (sherpa-onnx's async calls run on the libuv thread pool); `close()` frees native memory.
 */
import type { AsrTask } from '../core/index.js';

export type DecodePass = 'partial' | 'live_final' | 'final';

export interface AsrDecodeOptions {
  /** ISO 639-1; undefined lets a multilingual model detect the language. */
  readonly language?: string;
  readonly task: AsrTask;
  /**
   * 'partial': a re-decode of an open utterance, favouring speed; 'live_final': a streaming
   * final, where a person waits for it; 'final' (the default): a file segment, favouring
   * accuracy. Whisper uses a tail padding per pass.
   */
  readonly pass?: DecodePass;
  /**
   * Nobody waits for this decode (a shadow stream's): an engine with background threads runs it
   * there, at the lowest CPU priority, so it only takes CPU that real-time decodes leave idle.
   */
  readonly background?: boolean;
  /**
   * What an earlier decode of the same utterance (shorter audio) returned as `draft`: an engine
   * that can check it in one pass instead of decoding those tokens one by one does; others ignore
   * it. It is meant to change what the decode costs, not the transcript; with an int8 decoder a
   * near tie can still go the other way (docs/scheduling.md).
   */
  readonly draft?: AsrDraft;
}

/** An engine's own tokens of a decode, for the next decode of the same utterance to start from. */
export interface AsrDraft {
  readonly tokens: readonly number[];
}

export interface AsrDecodeResult {
  readonly text: string;
  /** ISO 639-1 of the detected or forced language; '' when the model does not say. */
  readonly language: string;
  /** Sub-word tokens as the model produced them (with their leading spaces), when available. */
  readonly tokens: readonly string[];
  /** Only from engines that take drafts (AsrDecodeOptions.draft). */
  readonly draft?: AsrDraft;
}

/** An offline (whole-segment) recogniser such as Whisper: one segment of <= maxInputS per call. */
export interface FileAsrEngine {
  readonly sampleRateHz: number;
  /** Longest input one decode accepts (Whisper: 30 s). */
  readonly maxInputS: number;
  decode(samples: Float32Array, options: AsrDecodeOptions): Promise<AsrDecodeResult>;
  close(): void;
}

/**
 * A native streaming (online) recogniser, decoding chunk by chunk. No such model can be
 * obtained here, so nothing implements it yet; the worker's streaming session is written
 * against `StreamingAsrSessionFactory`, which an online model would satisfy directly.
 */
export interface OnlineAsrEngine {
  readonly sampleRateHz: number;
  createStream(): OnlineAsrStream;
  close(): void;
}

export interface OnlineAsrStream {
  accept(samples: Float32Array): void;
  /** Decodes whatever is ready; resolves with the running hypothesis. */
  decode(): Promise<{ text: string; isEndpoint: boolean }>;
  reset(): void;
  close(): void;
}

export interface SpeechSegment {
  /** First sample of the segment, counted from the session's first sample (flushes included). */
  readonly startSample: number;
  readonly samples: Float32Array;
}

export interface VadOptions {
  /** Silence that closes a segment. */
  readonly minSilenceMs: number;
  /** Shorter bursts are not speech. */
  readonly minSpeechMs: number;
  /** Longer speech is cut into segments of at most this length. */
  readonly maxSpeechMs: number;
  /** Speech probability threshold, 0..1. */
  readonly threshold: number;
}

/** Stateful voice activity detection over one stream of audio at the VAD's rate. */
export interface VadSession {
  /** Feeds audio; returns the segments that closed. Any length is accepted. */
  accept(samples: Float32Array): SpeechSegment[];
  /** True while the detector is inside speech. */
  isSpeaking(): boolean;
  /** Closes the open segment now and returns it, if any; the session goes on accepting audio. */
  flush(): SpeechSegment[];
  /** Frees the detector; the session is unusable afterwards. */
  close(): void;
}

export interface VadEngine {
  readonly sampleRateHz: number;
  openSession(options: VadOptions): VadSession;
  /**
   * Readies `count` detectors for sessions with these options before traffic comes, so that
   * opening a session does not pay for building one (what that costs is the engine's business).
   */
  prewarm(options: VadOptions, count: number): void;
  close(): void;
}

export interface TtsOptions {
  readonly speakerId: number;
  /** 1 = the voice's own pace; 2 = twice as fast. */
  readonly speed: number;
}

export interface TtsEngine {
  readonly sampleRateHz: number;
  readonly voices: readonly string[];
  /**
   * Synthesizes one piece of text; `onChunk` receives audio as each sentence is produced.
   * Returning false from `onChunk` stops synthesis early (the client went away).
   */
  synthesize(
    text: string,
    options: TtsOptions,
    onChunk: (samples: Float32Array) => boolean,
  ): Promise<void>;
  close(): void;
}
