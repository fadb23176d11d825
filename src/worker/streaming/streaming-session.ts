/**
 * A live transcription session for an offline (Whisper-type) model: audio frames are decoded
 * and resampled, the VAD finds utterances, the open utterance is re-decoded every
 * `partialEveryMs` of new audio for partials (when a decode slot is free), and each closed
 * utterance is decoded once more, with the final-pass settings, for its final.
 *
 * Partials are paced by audio, not by a timer, so a stream sent at 4x real time gets the same
 * partials as one at 1x, and tests need no clock. Finals are decoded one after another so they
 * reach the client in order.
 */
import {
  createFrameDecoder,
  createStreamResampler,
  toVoxfleetError,
  type Clock,
  type StreamControl,
  type StreamEvent,
  type StreamOpenRequest,
} from '../../core/index.js';
import type { VadEngine, VadOptions, VadSession, SpeechSegment } from '../../engines/index.js';
import type { DecodeScheduler } from '../decode-scheduler.js';
import type { LoadedAsrModel } from '../model-set.js';
import { StablePrefixTracker } from '../stable-prefix.js';
import { cleanTranscript } from '../transcript-cleanup.js';
import { estimateWordTimings } from '../word-timings.js';
import { AudioHistory } from './audio-history.js';
import { stripWavHeader } from './wav-preamble.js';

export interface StreamingConfig {
  /** Re-decode the open utterance after this much new audio. */
  readonly partialEveryMs: number;
  /** Longest utterance before a final is forced. */
  readonly maxUtteranceMs: number;
  /** Audio kept around each utterance for its decode. */
  readonly padMs: number;
  readonly vad: Omit<VadOptions, 'minSilenceMs' | 'maxSpeechMs'>;
}

/** What a streaming session reports for metrics; the worker wires it to telemetry. */
export interface StreamingObserver {
  firstPartial?(latencyMs: number): void;
  final?(latencyMs: number, audioS: number, decodeMs: number): void;
}

export interface StreamingSessionDeps {
  readonly model: LoadedAsrModel;
  readonly vad: VadEngine;
  readonly scheduler: DecodeScheduler;
  readonly clock: Clock;
  readonly config: StreamingConfig;
  readonly observer?: StreamingObserver;
}

export type StreamingState = 'open' | 'closing' | 'closed';

export class StreamingSession {
  private state: StreamingState = 'open';
  private readonly history: AudioHistory;
  private readonly vadSession: VadSession;
  private readonly tracker = new StablePrefixTracker();
  private readonly rate: number;
  private clientSamples = 0;
  private firstFrame = true;
  private openStart: number | undefined; // absolute start of the open utterance
  private openDetectedWallMs = 0;
  private utterance = 0; // bumps at every final; stale partials are dropped
  private lastPartialEnd = 0;
  private partialInFlight = false;
  private firstPartialSent = false; // per utterance
  private finals: Promise<void> = Promise.resolve();
  /** Finals queued but not yet sent; partials wait for them so events stay in utterance order. */
  private pendingFinals = 0;
  private resolveDone!: () => void;
  /** Settles when the session has sent `closed` or failed. */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  private constructor(
    private readonly deps: StreamingSessionDeps,
    private readonly request: StreamOpenRequest,
    private readonly emit: (event: StreamEvent) => void,
    private readonly decodeFrame: (frame: Uint8Array) => Float32Array,
    private readonly resampler: {
      push(s: Float32Array): Float32Array;
      flush(): Float32Array;
      destroy(): void;
    },
  ) {
    this.rate = deps.model.engine.sampleRateHz;
    this.history = new AudioHistory(
      Math.ceil(((deps.config.maxUtteranceMs + 4 * deps.config.padMs + 2000) / 1000) * this.rate),
    );
    this.vadSession = deps.vad.openSession({
      ...deps.config.vad,
      minSilenceMs: request.endpointingMs,
      maxSpeechMs: deps.config.maxUtteranceMs,
    });
  }

  static async open(
    deps: StreamingSessionDeps,
    request: StreamOpenRequest,
    emit: (event: StreamEvent) => void,
  ): Promise<StreamingSession> {
    const frameDecoder = createFrameDecoder(request.encoding, request.sampleRateHz);
    const resampler = await createStreamResampler(
      request.sampleRateHz,
      deps.model.engine.sampleRateHz,
    );
    const session = new StreamingSession(
      deps,
      request,
      emit,
      (f) => frameDecoder.decode(f),
      resampler,
    );
    emit({
      type: 'ready',
      session_id: request.sessionId,
      model: deps.model.descriptor.name,
      model_version: deps.model.descriptor.version,
    });
    return session;
  }

  get audioSeconds(): number {
    return this.clientSamples / this.request.sampleRateHz;
  }

  /** Takes one binary frame. A bad frame ends the session with an error event. */
  pushAudio(frame: Uint8Array): void {
    if (this.state !== 'open') return;
    try {
      let bytes = frame;
      if (this.firstFrame) {
        this.firstFrame = false;
        bytes = stripWavHeader(frame, this.request.sampleRateHz);
      }
      const pcm = this.decodeFrame(bytes);
      this.clientSamples += pcm.length;
      this.accept(this.resampler.push(pcm));
    } catch (err) {
      this.fail(err);
    }
  }

  control(message: StreamControl): void {
    if (this.state !== 'open') return;
    if (message.type === 'finalize') this.endUtterance();
    else void this.close();
  }

  /** Decodes what is left, sends the last final and `closed`. */
  async close(): Promise<void> {
    if (this.state !== 'open') return this.done;
    this.state = 'closing';
    try {
      this.accept(this.resampler.flush(), true);
      this.endUtterance();
      await this.finals;
      this.emit({ type: 'closed', audio_s: round(this.audioSeconds) });
    } catch (err) {
      this.emitError(err);
    }
    this.release();
    return this.done;
  }

  /** Stops now: pending decodes are ignored, nothing more is sent. */
  abort(): void {
    if (this.state === 'closed') return;
    this.release();
  }

  private accept(samples: Float32Array, closing = false): void {
    if (samples.length === 0) return;
    this.history.append(samples, this.deps.clock.now());
    const closed = this.vadSession.accept(samples);
    for (const seg of closed) this.queueFinal(seg);
    if (this.vadSession.isSpeaking()) {
      if (this.openStart === undefined) this.startUtterance();
      if (!closing) this.maybePartial();
    }
  }

  private startUtterance(): void {
    // The detector fires after minSpeechMs of speech; the utterance began about that long ago.
    const lag = Math.round(
      ((this.deps.config.vad.minSpeechMs + this.deps.config.padMs + 64) / 1000) * this.rate,
    );
    this.openStart = Math.max(this.lastFinalEnd, this.history.endSample - lag);
    this.openDetectedWallMs = this.deps.clock.now();
    this.firstPartialSent = false;
    // Count partial pacing from the utterance's start, not from detection: the detector fires
    // about minSpeechMs + padMs into the speech, so the first partial goes out right away.
    this.lastPartialEnd = this.openStart;
    this.emit({ type: 'speech_started', start_s: round(this.openStart / this.rate) });
  }

  private lastFinalEnd = 0;

  private maybePartial(): void {
    const start = this.openStart;
    if (
      !this.request.interimResults ||
      start === undefined ||
      this.partialInFlight ||
      this.pendingFinals > 0
    )
      return;
    const end = this.history.endSample;
    if (end - this.lastPartialEnd < (this.deps.config.partialEveryMs / 1000) * this.rate) return;
    const samples = this.history.slice(start, end);
    const utterance = this.utterance;
    this.partialInFlight = true;
    this.lastPartialEnd = end;
    const { engine } = this.deps.model;
    void this.deps.scheduler
      .tryRun(() =>
        engine.decode(samples, {
          language: this.forcedLanguage(),
          task: 'transcribe',
          pass: 'partial',
        }),
      )
      .then((result) => {
        if (
          result === undefined ||
          this.isClosed() ||
          utterance !== this.utterance ||
          this.pendingFinals > 0
        )
          return;
        const text = cleanTranscript(result.text);
        if (text.length === 0) return;
        const { text: shown, stableText } = this.tracker.update(text);
        if (!this.firstPartialSent) {
          this.firstPartialSent = true;
          this.deps.observer?.firstPartial?.(this.deps.clock.now() - this.openDetectedWallMs);
        }
        this.emit({
          type: 'partial',
          text: shown,
          stable_text: stableText,
          start_s: round(start / this.rate),
        });
      })
      .catch(() => undefined) // a failed partial is not fatal: the final decides
      .finally(() => {
        this.partialInFlight = false;
      });
  }

  /** Closes the open utterance now (client `finalize`, or end of stream). */
  private endUtterance(): void {
    const tail = this.vadSession.flush();
    for (const seg of tail) this.queueFinal(seg);
    this.openStart = undefined;
  }

  private queueFinal(seg: SpeechSegment): void {
    const pad = Math.round((this.deps.config.padMs / 1000) * this.rate);
    const segStart = seg.startSample;
    const segEnd = segStart + seg.samples.length;
    const from = Math.max(this.lastFinalEnd, segStart - pad);
    const to = Math.min(this.history.endSample, segEnd + pad);
    const samples = this.history.slice(from, to);
    const endArrivedMs =
      this.history.arrivalOf(Math.max(segStart, segEnd - 1)) ?? this.deps.clock.now();
    this.lastFinalEnd = to;
    this.openStart = undefined;
    this.utterance++;
    this.tracker.reset();
    const speech = [{ startS: segStart / this.rate, endS: segEnd / this.rate }];
    this.pendingFinals++;
    this.finals = this.finals.then(async () => {
      if (this.isClosed()) return;
      const decodeStart = this.deps.clock.now();
      const result = await this.deps.scheduler.run('final', () =>
        this.deps.model.engine.decode(samples, {
          language: this.forcedLanguage(),
          task: 'transcribe',
          pass: 'final',
        }),
      );
      if (this.isClosed()) return;
      const text = cleanTranscript(result.text);
      const now = this.deps.clock.now();
      if (text.length > 0) {
        this.emit({
          type: 'final',
          text,
          start_s: round(from / this.rate),
          end_s: round(to / this.rate),
          words: estimateWordTimings(text, speech),
          language: result.language,
        });
        this.deps.observer?.final?.(
          now - endArrivedMs,
          samples.length / this.rate,
          now - decodeStart,
        );
      }
      this.emit({ type: 'utterance_end', end_s: round(to / this.rate) });
    });
    void this.finals.finally(() => this.pendingFinals--).catch(() => undefined);
    this.finals.catch((err: unknown) => this.fail(err));
  }

  /** Read through a method: TypeScript narrows `state` and cannot see async changes to it. */
  private isClosed(): boolean {
    return this.state === 'closed';
  }

  private forcedLanguage(): string | undefined {
    const d = this.deps.model.descriptor;
    const asked = this.request.language;
    if (asked === undefined || asked === 'auto')
      return d.languages.includes('*') ? undefined : d.languages[0];
    return asked;
  }

  private fail(err: unknown): void {
    if (this.state === 'closed') return;
    this.emitError(err);
    this.release();
  }

  private emitError(err: unknown): void {
    const e = toVoxfleetError(err);
    this.emit({ type: 'error', code: e.code, message: e.message, retryable: e.retryable });
  }

  private release(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.vadSession.close();
    this.resampler.destroy();
    this.resolveDone();
  }
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
