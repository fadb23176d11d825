/**
 * The shapes the console reads from voxfleet's public API (docs/streaming.md, the REST API and
 * GET /v1/fleet). The console is an ordinary client of that API, so it declares what it uses.
 */

// The streaming protocol's own types (docs/streaming.md), shared with the server so the two
// cannot drift; type-only, so nothing of the server is bundled.
export type { StreamEvent as ListenEvent, WordTiming } from '../../../src/core/protocol.js';

export interface ServedModel {
  readonly id: string;
  readonly version: string;
  readonly kind: 'asr' | 'tts' | 'vad';
  readonly languages: readonly string[];
  readonly capabilities: readonly string[];
  readonly voices?: readonly string[];
}

/** POST /v1/audio/transcriptions, verbose_json with word and segment timestamps. */
export interface VerboseTranscript {
  readonly language: string;
  readonly duration: number;
  readonly text: string;
  readonly model: string;
  readonly segments: readonly { id: number; start: number; end: number; text: string }[];
  readonly words: readonly { word: string; start: number; end: number }[];
}

export interface ApiErrorBody {
  readonly error: { readonly message: string; readonly code: string };
}

export interface FleetWorker {
  readonly id: string;
  readonly state: string;
  readonly models: readonly { name: string; version: string; kind: string }[];
  readonly active_streams: number;
  readonly stream_capacity: number;
  readonly max_streams: number;
  readonly decodes_running: number;
  readonly decodes_queued: number;
  /** Where the worker runs (NATS fleets only). */
  readonly region?: string;
  readonly zone?: string;
}

/** Workers grouped by region (NATS fleets only; none for the embedded server). */
export interface FleetRegion {
  readonly name: string;
  readonly zone: string;
  readonly workers: number;
  readonly ready_workers: number;
  readonly active_streams: number;
  readonly stream_capacity: number;
}

export interface Percentiles {
  readonly p50_ms: number;
  readonly p95_ms: number;
}

export interface FleetPoint {
  readonly at_ms: number;
  readonly final_latency_counts: readonly number[];
  readonly first_partial: Percentiles | null;
  readonly final: Percentiles | null;
  readonly audio_seconds_per_s: Readonly<Record<string, number>>;
  readonly errors: Readonly<Record<string, number>>;
  readonly refusals: Readonly<Record<string, number>>;
  readonly active_streams: number;
}

export interface FleetBody {
  readonly interval_ms: number;
  readonly window_ms: number;
  readonly rolling_window_ms: number;
  readonly workers: readonly FleetWorker[];
  readonly regions: readonly FleetRegion[];
  readonly rollouts: readonly unknown[];
  readonly totals: {
    readonly errors: Readonly<Record<string, number>>;
    readonly refusals: Readonly<Record<string, number>>;
    readonly requests: Readonly<Record<string, number>>;
    readonly audio_seconds: Readonly<Record<string, number>>;
  };
  readonly latency_bounds_s: readonly number[];
  readonly points: readonly FleetPoint[];
}
