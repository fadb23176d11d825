/**
 * A live transcription session for an offline (Whisper-type) model: audio frames are decoded
 * and resampled, the VAD cuts speech into phrases (pauses of `phraseGapMs`), phrases join into
 * an utterance until the client's endpointing silence has passed, and each utterance is decoded
 * once more, with the final-pass settings, for its final.
 *
 * Speculative finals: once `speculateAfterMs` of silence has followed a phrase, the utterance so
 * far is decoded. If no new speech comes before the endpointing silence has passed, that decode
 * is the final (it covers exactly the same audio), so the final goes out as soon as the endpoint
 * is known instead of a whole decode later. An utterance that goes on wastes one decode.
 *
 * Partials are offered to the scheduler every `partialEveryMs` of new speech audio (never for
 * silence, never twice for the same audio); the decode reads the newest audio when its slot is
 * granted. Pacing is by audio, not by a timer, so a stream sent at 4x real time gets the same
 * partials as one at 1x, and tests need no clock. Finals are sent in utterance order.
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
import type { AsrDecodeResult, AsrDraft } from '../../engines/index.js';
import type { DecodeScheduler } from '../scheduling/decode-scheduler.js';
import type { LoadedAsrModel } from '../model-set.js';
import { StablePrefixTracker } from '../stable-prefix.js';
import { cleanTranscript } from '../transcript-cleanup.js';
import { estimateWordTimings } from '../word-timings.js';
import { AudioHistory } from './audio-history.js';
import { quietestPoint } from './quietest-point.js';
import { stripWavHeader } from './wav-preamble.js';

/** Where a cut of continuous speech is looked for: this much audio before the newest... */
const SPLIT_SEARCH_MS = 2000;
/** ...up to this much before it, so the word being spoken now is never cut. */
const SPLIT_GUARD_MS = 300;

export interface StreamingConfig {
  /** Re-decode the open utterance after this much new audio. */
  readonly partialEveryMs: number;
  /**
   * Until the utterance's first partial has text, retry after this much new audio: Whisper often
   * returns nothing for the first few hundred ms of speech, and the first caption should not
   * wait a whole `partialEveryMs` for the next try.
   */
  readonly firstPartialEveryMs: number;
  /** Longest utterance before a final is forced. */
  readonly maxUtteranceMs: number;
  /**
   * An utterance at least this long is finalised at its next phrase end (a pause of
   * `phraseGapMs`) without waiting for the endpointing silence: long speech gets its finals
   * sentence by sentence, and the decode left when the speaker stops is a short one.
   */
  readonly commitLongAfterMs: number;
  /**
   * An utterance this long with no phrase end to commit at (one long breath of speech) is cut
   * at the quietest 100 ms of its last `SPLIT_SEARCH_MS` (a gap between words), and the part
   * before the cut becomes a final: when the speaker stops, what is left to decode is short.
   * Absent: never cut (the VAD's `maxUtteranceMs` still is).
   */
  readonly splitContinuousAfterMs?: number;
  /** Audio kept around each utterance for its decode; at most `phraseGapMs`. */
  readonly padMs: number;
  /**
   * Silence that closes a phrase and starts a speculative final; the utterance ends after the
   * client's endpointing silence. At least `padMs`, so the speculative decode holds the same
   * audio as the final.
   */
  readonly phraseGapMs: number;
  /**
   * Silence after an utterance's last phrase before its speculative final starts; absent or at
   * most `phraseGapMs`: as the phrase closes. Most pauses inside an utterance are short, and a
   * speculation started in one is decoded for nothing when the speaker goes on; waiting longer
   * leaves the decode less time before the endpoint.
   */
  readonly speculateAfterMs?: number;
  readonly vad: Omit<VadOptions, 'minSilenceMs' | 'maxSpeechMs'>;
}

/**
 * The VAD settings of a stream: the VAD closes a segment at a phrase gap (or at the client's
 * endpointing, if shorter), and the session decides from there whether the utterance ended.
 */
export function streamVadOptions(config: StreamingConfig, endpointingMs: number): VadOptions {
  return {
    ...config.vad,
    minSilenceMs: Math.min(config.phraseGapMs, endpointingMs),
    maxSpeechMs: config.maxUtteranceMs,
  };
}

/** What a streaming session reports for metrics; the worker wires it to telemetry. */
export interface StreamingObserver {
  firstPartial?(latencyMs: number): void;
  /**
   * `latencyMs`: last speech received -> final sent; undefined for a final at a cut of continuous
   * speech, which no end of speech preceded.
   */
  final?(latencyMs: number | undefined, audioS: number, decodeMs: number): void;
  /**
   * What became of a speculative final: 'used' as the final, or not because the utterance went
   * on: 'wasted' (it had been decoded, or was being) or 'withdrawn' (before it took a slot).
   */
  speculation?(outcome: SpeculationOutcome): void;
}

export type SpeculationOutcome = 'used' | 'wasted' | 'withdrawn';

export interface StreamingSessionDeps {
  readonly model: LoadedAsrModel;
  readonly vad: VadEngine;
  readonly scheduler: DecodeScheduler;
  readonly clock: Clock;
  readonly config: StreamingConfig;
  readonly observer?: StreamingObserver;
}

export type StreamingState = 'open' | 'closing' | 'closed';

/** A final's decode and the slot time it took (a reused speculation ran before the commit). */
interface TimedDecode {
  readonly decoded: AsrDecodeResult;
  readonly decodeMs: number;
}

/** The utterance being spoken: phrases the VAD closed so far, and the speculative final. */
interface OpenUtterance {
  /** First sample of the utterance's audio (padding included). */
  from: number;
  readonly phrases: { start: number; end: number }[];
  readonly detectedWallMs: number;
  firstPartialSent: boolean;
  /** The decode of [from, last phrase end + pad] asked for when the last phrase closed. */
  speculative?: SpeculativeFinal;
  /**
   * The tokens of the newest decode of this utterance and the sample it was decoded from: the
   * next decode (a partial, a speculative or a final one) starts from them, and an engine that
   * takes drafts checks them in one pass instead of decoding them again (docs/scheduling.md).
   */
  draft?: { readonly from: number; readonly draft: AsrDraft };
}

interface SpeculativeFinal {
  /** Phrases of the utterance it covers. */
  readonly phrases: number;
  readonly result: Promise<TimedDecode>;
  /** The utterance ended there: the scheduler ranks the decode as a final. */
  readonly confirm: () => void;
  /** Withdraws the decode if it has not started (the utterance went on). */
  readonly cancel: AbortController;
  /** It has taken a slot (so it cost a decode, used or not). */
  readonly started: () => boolean;
}

export class StreamingSession {
  private state: StreamingState = 'open';
  private readonly history: AudioHistory;
  private readonly vadSession: VadSession;
  private readonly tracker = new StablePrefixTracker();
  private readonly rate: number;
  private readonly padSamples: number;
  private readonly endpointSamples: number;
  private clientSamples = 0;
  private firstFrame = true;
  private utt: OpenUtterance | undefined;
  /** The VAD has heard speech that no closed phrase holds yet (so no endpoint can be due). */
  private phraseOpen = false;
  /** Bumps at every final; partials of an earlier utterance are dropped. */
  private utterance = 0;
  private lastFinalEnd = 0;
  private lastPartialEnd = 0;
  /**
   * The utterance whose partial decode is offered or running, if any. Per utterance: a refresh
   * decode starved on a low-priority thread must not hold back the next utterance's first one.
   */
  private partialInFlightFor: number | undefined;
  private finals: Promise<void> = Promise.resolve();
  /** Finals queued but not yet sent; partials wait for them so events stay in utterance order. */
  private pendingFinals = 0;
  /** Wall ms this session's decodes took, for the closed event's decode_s. */
  private decodeMs = 0;
  /** Aborted when the session ends: queued decodes of a gone client never run. */
  private readonly lifetime = new AbortController();
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
    const { config } = deps;
    this.rate = deps.model.engine.sampleRateHz;
    this.padSamples = Math.round((Math.min(config.padMs, config.phraseGapMs) / 1000) * this.rate);
    this.endpointSamples = Math.round((request.endpointingMs / 1000) * this.rate);
    this.history = new AudioHistory(
      Math.ceil(
        ((config.maxUtteranceMs + request.endpointingMs + 4 * config.padMs + 2000) / 1000) *
          this.rate,
      ),
    );
    this.vadSession = deps.vad.openSession(streamVadOptions(config, request.endpointingMs));
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

  /** A shadow nobody listens to (see StreamOpenRequest.background). */
  get background(): boolean {
    return this.request.background === true;
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
      // A background (shadow) stream is not real-time load: admission must not count it.
      if (this.request.background !== true)
        this.deps.scheduler.ledger.addStreamAudio(pcm.length / this.request.sampleRateHz);
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
      this.emit({
        type: 'closed',
        audio_s: round(this.audioSeconds),
        decode_s: round(this.decodeMs / 1000),
      });
    } catch (err) {
      this.emitError(err);
    }
    this.release();
    return this.done;
  }

  /** Stops now: pending decodes are ignored, nothing more is sent, the slot offers withdrawn. */
  abort(): void {
    if (this.state === 'closed') return;
    this.release();
  }

  private accept(samples: Float32Array, closing = false): void {
    if (samples.length === 0) return;
    this.history.append(samples, this.deps.clock.now());
    for (const phrase of this.vadSession.accept(samples)) this.onPhrase(phrase);
    if (this.vadSession.isSpeaking()) {
      this.phraseOpen = true;
      this.utt ??= this.startUtterance(this.detectedStart());
      const utt = this.maybeSplitContinuous(this.utt);
      if (!closing) this.maybePartial(utt);
    } else {
      this.maybeEndpoint();
      this.maybeSpeculate();
    }
  }

  /** The detector fires about minSpeechMs + a window into the speech; back-date the onset. */
  private detectedStart(): number {
    const lag = Math.round(((this.deps.config.vad.minSpeechMs + 64) / 1000) * this.rate);
    return this.history.endSample - lag;
  }

  /** Opens an utterance whose speech began at `onset` (its audio starts `padMs` earlier). */
  private startUtterance(onset: number): OpenUtterance {
    const utt: OpenUtterance = {
      from: Math.max(this.lastFinalEnd, onset - this.padSamples),
      phrases: [],
      detectedWallMs: this.deps.clock.now(),
      firstPartialSent: false,
    };
    // Partial pacing counts from the utterance's start, so the first partial goes out at once.
    this.lastPartialEnd = utt.from;
    // The onset, not the padded start: clients time first-partial latency from it.
    const start = Math.max(this.lastFinalEnd, onset);
    this.emit({ type: 'speech_started', start_s: round(start / this.rate) });
    return utt;
  }

  /**
   * Cuts an utterance that has gone on for `splitContinuousAfterMs` with no phrase end at its
   * quietest point: the part before is committed as a final, the rest goes on as a new
   * utterance (no speech_started: the speaker never paused). Returns the open utterance.
   */
  private maybeSplitContinuous(utt: OpenUtterance): OpenUtterance {
    const after = this.deps.config.splitContinuousAfterMs;
    const end = this.history.endSample;
    if (after === undefined || end - utt.from < (after / 1000) * this.rate) return utt;
    const lo = Math.max(utt.from + this.rate, end - (SPLIT_SEARCH_MS / 1000) * this.rate);
    const hi = end - Math.round((SPLIT_GUARD_MS / 1000) * this.rate);
    if (hi - lo < 0.2 * this.rate) return utt;
    const cut = lo + quietestPoint(this.history.slice(lo, hi), this.rate);
    utt.phrases.push({ start: Math.max(utt.from, utt.phrases.at(-1)?.end ?? utt.from), end: cut });
    this.commit(utt, cut);
    const rest: OpenUtterance = {
      from: cut,
      phrases: [],
      detectedWallMs: this.deps.clock.now(),
      // Captions of the rest are refreshes of a caption already shown, not a first one.
      firstPartialSent: true,
    };
    this.lastPartialEnd = cut;
    this.utt = rest;
    return rest;
  }

  private onPhrase(seg: SpeechSegment): void {
    // A phrase the VAD opened before a cut of continuous speech starts at the cut, and still ends
    // where its speech did (from the cut plus its whole length, it ended up to 7 s in the future:
    // no endpoint came, and the rest's final waited for the stream to close).
    const start = Math.max(seg.startSample, this.lastFinalEnd);
    const end = seg.startSample + seg.samples.length;
    this.phraseOpen = false;
    if (end <= start) return; // all of it before the cut: already in that final
    const utt = (this.utt ??= this.startUtterance(start));
    utt.from = Math.max(this.lastFinalEnd, Math.min(utt.from, start - this.padSamples));
    utt.phrases.push({ start, end });
    const long = end - utt.from >= (this.deps.config.commitLongAfterMs / 1000) * this.rate;
    if (long || this.deps.config.phraseGapMs >= this.request.endpointingMs) {
      this.commit(utt);
      return;
    }
    // A speculation over fewer phrases is of no use now, whenever the next one starts.
    this.dropSpeculation(utt);
    this.maybeSpeculate();
  }

  /**
   * Starts the open utterance's speculative final once `speculateAfterMs` of silence has followed
   * its last phrase (onPhrase dropped any older one, over fewer phrases).
   */
  private maybeSpeculate(): void {
    const utt = this.utt;
    const last = utt?.phrases.at(-1);
    const silence = this.silenceAfterLastPhrase();
    if (utt === undefined || last === undefined || silence === undefined) return;
    if (utt.speculative !== undefined) return;
    const after = ((this.deps.config.speculateAfterMs ?? 0) / 1000) * this.rate;
    if (silence >= after) utt.speculative = this.speculate(utt, this.paddedEnd(last.end));
  }

  /**
   * Samples of silence since the open utterance's last phrase closed; undefined with no utterance,
   * no closed phrase yet, or speech going on.
   */
  private silenceAfterLastPhrase(): number | undefined {
    const last = this.utt?.phrases.at(-1);
    if (last === undefined || this.phraseOpen) return undefined;
    return this.history.endSample - last.end;
  }

  /** The utterance went on past the speculation's phrase end: its decode is of no use. */
  private dropSpeculation(utt: OpenUtterance): void {
    const speculation = utt.speculative;
    if (speculation === undefined) return;
    utt.speculative = undefined;
    speculation.cancel.abort();
    this.deps.observer?.speculation?.(speculation.started() ? 'wasted' : 'withdrawn');
  }

  /** Ends the utterance once endpointing silence has passed since its last phrase. */
  private maybeEndpoint(): void {
    const silence = this.silenceAfterLastPhrase();
    if (this.utt !== undefined && silence !== undefined && silence >= this.endpointSamples)
      this.commit(this.utt);
  }

  private maybePartial(utt: OpenUtterance): void {
    if (!this.request.interimResults || this.pendingFinals > 0) return;
    if (this.partialInFlightFor === this.utterance) return;
    const { partialEveryMs, firstPartialEveryMs } = this.deps.config;
    const everyMs = utt.firstPartialSent ? partialEveryMs : firstPartialEveryMs;
    const partialEvery = (everyMs / 1000) * this.rate;
    if (this.history.endSample - this.lastPartialEnd < partialEvery) return;
    const utterance = this.utterance;
    this.partialInFlightFor = utterance;
    const { engine } = this.deps.model;
    const rank =
      this.request.background === true ? 'background' : utt.firstPartialSent ? 'refresh' : 'first';
    const offer = this.deps.scheduler.offerPartial(this, rank, (tier) => {
      // Read the audio when the slot is granted: the newest audio, never a stale snapshot.
      const end = this.history.endSample;
      const from = utt.from;
      this.lastPartialEnd = end;
      const startedMs = this.deps.clock.now();
      const draft = draftOf(utt, from);
      return engine
        .decode(this.history.slice(from, end), {
          language: this.forcedLanguage(),
          task: 'transcribe',
          pass: 'partial',
          // A shadow's, or one the scheduler put on a background slot: the engine's
          // low-priority threads.
          ...(rank === 'background' || tier === 'background' ? { background: true } : {}),
          ...(draft === undefined ? {} : { draft }),
        })
        .then((result) => keepDraft(utt, from, result))
        .finally(() => (this.decodeMs += this.deps.clock.now() - startedMs));
    });
    void offer
      .then((result) => {
        if (
          result === undefined ||
          this.isClosed() ||
          utterance !== this.utterance ||
          this.pendingFinals > 0
        )
          return;
        const text = cleanTranscript(result.text, this.deps.model.settings.postprocess);
        if (text.length === 0) return;
        const { text: shown, stableText } = this.tracker.update(text);
        if (!utt.firstPartialSent) {
          utt.firstPartialSent = true;
          this.deps.observer?.firstPartial?.(this.deps.clock.now() - utt.detectedWallMs);
        }
        this.emit({
          type: 'partial',
          text: shown,
          stable_text: stableText,
          start_s: round(utt.from / this.rate),
        });
      })
      .catch(() => undefined) // a failed partial is not fatal: the final decides
      .finally(() => {
        if (this.partialInFlightFor === utterance) this.partialInFlightFor = undefined;
      });
  }

  /** Closes the open utterance now (client `finalize`, or end of stream). */
  private endUtterance(): void {
    for (const phrase of this.vadSession.flush()) this.onPhrase(phrase);
    if (this.utt !== undefined) this.commit(this.utt);
  }

  /** A phrase's end with the padding kept after speech, within the audio received. */
  private paddedEnd(phraseEnd: number): number {
    return Math.min(this.history.endSample, phraseEnd + this.padSamples);
  }

  /** Decodes [from, to) for a final, as a final-class job. */
  private decodeFinal(utt: OpenUtterance, from: number, to: number): Promise<TimedDecode> {
    // A shadow's finals wait behind every real-time decode, on the background slots.
    const cls = this.request.background === true ? 'background' : 'final';
    const result = this.deps.scheduler.run(
      cls,
      this.finalTask(utt, from, to),
      this.lifetime.signal,
    );
    // The finals chain reads it later; a cancelled one must not surface as unhandled before that.
    result.catch(() => undefined);
    return result;
  }

  /**
   * Decodes [from, to) for a final that may not be needed: the utterance may go on after this
   * phrase end. A shadow's is background work like its other finals.
   */
  private speculate(utt: OpenUtterance, to: number): SpeculativeFinal {
    const phrases = utt.phrases.length;
    const cancel = new AbortController();
    const signal = AbortSignal.any([cancel.signal, this.lifetime.signal]);
    let started = false;
    const task = this.finalTask(utt, utt.from, to);
    const run = async (): Promise<TimedDecode> => {
      started = true;
      return task();
    };
    const { result, confirm } =
      this.request.background === true
        ? { result: this.deps.scheduler.run('background', run, signal), confirm: () => undefined }
        : this.deps.scheduler.speculate(run, signal);
    result.catch(() => undefined); // a withdrawn speculation must not surface as unhandled
    return { phrases, result, confirm, cancel, started: () => started };
  }

  /** The decode of a final's audio, read now (the history moves on). */
  private finalTask(utt: OpenUtterance, from: number, to: number): () => Promise<TimedDecode> {
    const samples = this.history.slice(from, to);
    const background = this.request.background === true;
    return async () => {
      const startedMs = this.deps.clock.now();
      // The draft as it is when the slot is granted: a partial may have finished meanwhile.
      const draft = draftOf(utt, from);
      try {
        const decoded = keepDraft(
          utt,
          from,
          await this.deps.model.engine.decode(samples, {
            language: this.forcedLanguage(),
            task: 'transcribe',
            pass: 'live_final',
            ...(background ? { background } : {}),
            ...(draft === undefined ? {} : { draft }),
          }),
        );
        return { decoded, decodeMs: this.deps.clock.now() - startedMs };
      } finally {
        // Every decode counts, a discarded speculation too: it cost the machine as much.
        this.decodeMs += this.deps.clock.now() - startedMs;
      }
    };
  }

  /** Ends `utt` with a final; `cutAt`: at a cut of continuous speech (no padding after it). */
  private commit(utt: OpenUtterance, cutAt?: number): void {
    this.utt = undefined;
    this.utterance++;
    this.tracker.reset();
    this.deps.scheduler.withdrawPartial(this);
    const last = utt.phrases.at(-1);
    if (last === undefined) return; // detected, then flushed away: nothing was said
    const to = cutAt ?? this.paddedEnd(last.end);
    const from = utt.from;
    this.lastFinalEnd = to;
    const speculation = utt.speculative;
    let result: Promise<TimedDecode>;
    if (speculation !== undefined && speculation.phrases === utt.phrases.length) {
      speculation.confirm();
      this.deps.observer?.speculation?.('used');
      result = speculation.result;
    } else {
      // A speculation over fewer phrases is of no use now: withdrawn if it has not started.
      this.dropSpeculation(utt);
      result = this.decodeFinal(utt, from, to);
    }
    const endArrivedMs =
      this.history.arrivalOf(Math.max(last.start, last.end - 1)) ?? this.deps.clock.now();
    const speech = utt.phrases.map((p) => ({
      startS: p.start / this.rate,
      endS: p.end / this.rate,
    }));
    this.pendingFinals++;
    this.finals = this.finals.then(async () => {
      const { decoded, decodeMs } = await result;
      if (this.isClosed()) return;
      const text = cleanTranscript(decoded.text, this.deps.model.settings.postprocess);
      const now = this.deps.clock.now();
      if (text.length > 0) {
        this.emit({
          type: 'final',
          text,
          start_s: round(from / this.rate),
          end_s: round(to / this.rate),
          words: estimateWordTimings(text, speech),
          language: decoded.language,
        });
        const latencyMs = cutAt === undefined ? now - endArrivedMs : undefined;
        this.deps.observer?.final?.(latencyMs, (to - from) / this.rate, decodeMs);
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
    this.utt = undefined;
    this.lifetime.abort();
    this.deps.scheduler.withdrawPartial(this);
    this.vadSession.close();
    this.resampler.destroy();
    this.resolveDone();
  }
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}

/** The utterance's newest tokens, if they were decoded from the same first sample. */
function draftOf(utt: OpenUtterance, from: number): AsrDraft | undefined {
  return utt.draft?.from === from ? utt.draft.draft : undefined;
}

/** Keeps a decode's tokens as the utterance's draft; returns the result unchanged. */
function keepDraft<R extends AsrDecodeResult>(utt: OpenUtterance, from: number, result: R): R {
  if (result.draft !== undefined) utt.draft = { from, draft: result.draft };
  return result;
}
