/**
 * What users of each version felt, per rollout step, as the gateway sees it: final latency
 * (from the arrival of the audio that ends a final's words to the final), first partial
 * latency, speech's time to first audio byte, errors, and each stream's real-time factor (the
 * worker's decode seconds over the audio's, from its `closed` event), for the candidate's sessions and
 * for the baseline's sessions of the same step (the callers the step did not select). A
 * speech request counts as a session. These feed the serving gates of canary and full
 * steps (`final_p95_ms` as a ratio to the baseline, `error_rate`, ...).
 *
 * Latency is measured against when the gateway received the audio, not the client's clock: the
 * same for both versions, whatever pace the client sends at.
 */
import { BYTES_PER_SAMPLE, type StreamEvent, type StreamOpenRequest } from '../../core/index.js';
import type { MetricFigures } from '../../release/index.js';

export type Side = 'candidate' | 'baseline';

/** One side's totals for a step: plain numbers, so gateways can pool them. */
export interface SideTotals {
  sessions: number;
  erroredSessions: number;
  audioS: number;
  finalMs: number[];
  firstPartialMs: number[];
  /** Speech requests: from the request to its first audio chunk. */
  ttsFirstByteMs: number[];
  /** Streams of at least a second: decode seconds per audio second, as the worker measured. */
  rtf: number[];
}

export interface ServingTotals {
  readonly candidate: SideTotals;
  readonly baseline: SideTotals;
}

const emptySide = (): SideTotals => ({
  sessions: 0,
  erroredSessions: 0,
  audioS: 0,
  finalMs: [],
  firstPartialMs: [],
  ttsFirstByteMs: [],
  rtf: [],
});

/** Most latencies kept per side and step: enough for a p99, bounded memory. */
const MAX_SAMPLES = 10_000;

export class ServingEvidence {
  private readonly totals = new Map<string, { candidate: SideTotals; baseline: SideTotals }>();

  private entry(rolloutId: string, step: string) {
    const key = `${rolloutId}/${step}`;
    let e = this.totals.get(key);
    if (e === undefined)
      this.totals.set(key, (e = { candidate: emptySide(), baseline: emptySide() }));
    return e;
  }

  /** A recorder for one stream; it reports once the stream has ended. */
  watch(
    rolloutId: string,
    step: string,
    side: Side,
    request: StreamOpenRequest,
    now: () => number,
  ): StreamWatch {
    return new StreamWatch(request, now, (session) => {
      const t = this.entry(rolloutId, step)[side];
      t.sessions += 1;
      if (session.errored) t.erroredSessions += 1;
      t.audioS += session.audioS;
      for (const ms of session.finalMs) if (t.finalMs.length < MAX_SAMPLES) t.finalMs.push(ms);
      if (session.firstPartialMs !== undefined && t.firstPartialMs.length < MAX_SAMPLES)
        t.firstPartialMs.push(session.firstPartialMs);
      if (session.rtf !== undefined && t.rtf.length < MAX_SAMPLES) t.rtf.push(session.rtf);
    });
  }

  /** One speech request: its time to first audio byte, or undefined when it failed. */
  speech(rolloutId: string, step: string, side: Side, firstByteMs: number | undefined): void {
    const t = this.entry(rolloutId, step)[side];
    t.sessions += 1;
    if (firstByteMs === undefined) t.erroredSessions += 1;
    else if (t.ttsFirstByteMs.length < MAX_SAMPLES) t.ttsFirstByteMs.push(firstByteMs);
  }

  /** Sessions recorded for the step, both sides: the totals change only when this does. */
  sessions(rolloutId: string, step: string): number {
    const e = this.entry(rolloutId, step);
    return e.candidate.sessions + e.baseline.sessions;
  }

  /** This gateway's totals for the step (a copy), for the pool. */
  snapshot(rolloutId: string, step: string): ServingTotals {
    return structuredClone(this.entry(rolloutId, step));
  }

  /** Sessions per side and each side's figures for the step. */
  figures(rolloutId: string, step: string): ServingFigures {
    return servingFiguresOf(this.snapshot(rolloutId, step));
  }
}

export interface ServingFigures extends ServingTotals {
  readonly candidateFigures: MetricFigures;
  readonly baselineFigures: MetricFigures;
}

export function servingFiguresOf(t: ServingTotals): ServingFigures {
  return { ...t, candidateFigures: figuresOf(t.candidate), baselineFigures: figuresOf(t.baseline) };
}

/** Several gateways' totals as one. */
export function mergeServingTotals(all: readonly ServingTotals[]): ServingTotals {
  const merge = (sides: readonly SideTotals[]): SideTotals => {
    const m = emptySide();
    for (const s of sides) {
      m.sessions += s.sessions;
      m.erroredSessions += s.erroredSessions;
      m.audioS += s.audioS;
      m.finalMs.push(...s.finalMs);
      m.firstPartialMs.push(...s.firstPartialMs);
      // Absent in totals published by gateways from before speech was measured.
      m.ttsFirstByteMs.push(...(s.ttsFirstByteMs ?? []));
      m.rtf.push(...(s.rtf ?? []));
    }
    return m;
  };
  return {
    candidate: merge(all.map((t) => t.candidate)),
    baseline: merge(all.map((t) => t.baseline)),
  };
}

function figuresOf(t: SideTotals): MetricFigures {
  if (t.sessions === 0) return {};
  return {
    error_rate: t.erroredSessions / t.sessions,
    ...(t.finalMs.length > 0
      ? { final_p95_ms: quantile(t.finalMs, 0.95), final_p99_ms: quantile(t.finalMs, 0.99) }
      : {}),
    ...(t.firstPartialMs.length > 0
      ? { first_partial_p95_ms: quantile(t.firstPartialMs, 0.95) }
      : {}),
    ...(t.ttsFirstByteMs.length > 0
      ? { tts_first_byte_p95_ms: quantile(t.ttsFirstByteMs, 0.95) }
      : {}),
    ...(t.rtf.length > 0 ? { rtf_p95: quantile(t.rtf, 0.95) } : {}),
  };
}

/** Nearest-rank quantile of the values (0 when there are none). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
}

interface WatchedSession {
  readonly audioS: number;
  readonly finalMs: readonly number[];
  readonly firstPartialMs: number | undefined;
  readonly errored: boolean;
  readonly rtf: number | undefined;
}

/**
 * One stream's audio arrivals and events. Audio arrival times are kept as (audio seconds so
 * far, wall ms) per frame, trimmed as finals pass them, so memory stays bounded.
 */
export class StreamWatch {
  private readonly arrivals: Array<{ audioS: number; atMs: number }> = [];
  private audioS = 0;
  private readonly bytesPerS: number;
  private readonly finalMs: number[] = [];
  private firstPartialMs: number | undefined;
  private speechStartS: number | undefined;
  private errored = false;
  private reported = false;
  private rtf: number | undefined;

  constructor(
    request: StreamOpenRequest,
    private readonly now: () => number,
    private readonly report: (session: WatchedSession) => void,
  ) {
    this.bytesPerS = BYTES_PER_SAMPLE[request.encoding] * request.sampleRateHz;
  }

  audio(bytes: number): void {
    this.audioS += bytes / this.bytesPerS;
    this.arrivals.push({ audioS: this.audioS, atMs: this.now() });
  }

  event(e: StreamEvent): void {
    if (e.type === 'speech_started') this.speechStartS = e.start_s;
    else if (
      e.type === 'partial' &&
      this.firstPartialMs === undefined &&
      this.speechStartS !== undefined
    ) {
      const at = this.arrivalOf(this.speechStartS);
      if (at !== undefined) this.firstPartialMs = this.now() - at;
    } else if (e.type === 'final') {
      const at = this.arrivalOf(e.end_s);
      if (at !== undefined) this.finalMs.push(Math.max(0, this.now() - at));
      this.speechStartS = undefined;
      while (this.arrivals.length > 1 && (this.arrivals[0]?.audioS ?? 0) < e.end_s)
        this.arrivals.shift();
    } else if (e.type === 'error') this.errored = true;
    // Under a second of audio, fixed costs would read as a slow model.
    else if (e.type === 'closed' && e.decode_s !== undefined && e.audio_s >= 1)
      this.rtf = e.decode_s / e.audio_s;
    if (e.type === 'closed' || e.type === 'error') this.end();
  }

  end(): void {
    if (this.reported) return;
    this.reported = true;
    this.report({
      audioS: this.audioS,
      finalMs: this.finalMs,
      firstPartialMs: this.firstPartialMs,
      errored: this.errored,
      rtf: this.rtf,
    });
  }

  /** When the gateway received the audio at `audioS` seconds into the stream. */
  private arrivalOf(audioS: number): number | undefined {
    return this.arrivals.find((a) => a.audioS >= audioS)?.atMs ?? this.arrivals.at(-1)?.atMs;
  }
}
