/**
 * Every metric voxfleet exports, in one place. Business code calls these methods; it never
 * touches prom-client itself. Label values are ids and enums only: never text, audio or keys.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Latency buckets in seconds, from 10 ms to 30 s. */
const LATENCY_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30];
const RTF_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2];

export class Telemetry {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'model' | 'status'>;
  private readonly fileAsrLatency: Histogram<'model'>;
  private readonly ttsFirstByte: Histogram<'model'>;
  private readonly streamFirstPartial: Histogram<'model'>;
  private readonly streamFinalLatency: Histogram<'model'>;
  private readonly streamSpeculations: Counter<'model' | 'outcome'>;
  private readonly activeStreams: Gauge<'model'>;
  private readonly audioSeconds: Counter<'model' | 'kind'>;
  private readonly rtf: Histogram<'model' | 'kind'>;
  private readonly refusals: Counter<'code'>;
  private readonly admissionRefusals: Counter<'reason'>;
  private readonly decodeBusy: Counter<'class'>;
  private readonly decodeWait: Histogram<'class'>;
  private readonly streamCapacity: Gauge;
  private readonly streamFailover: Histogram;
  private readonly routeAudit: Counter;
  private capacitySource: (() => number) | undefined;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const r = this.registry;
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: r, prefix: 'voxfleet_process_' });
    this.requests = new Counter({
      name: 'voxfleet_requests_total',
      help: 'API requests by route, model and HTTP status (WebSocket sessions count once, with their close status).',
      labelNames: ['route', 'model', 'status'],
      registers: [r],
    });
    this.fileAsrLatency = new Histogram({
      name: 'voxfleet_file_asr_latency_seconds',
      help: 'File transcription: request received to response complete.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.ttsFirstByte = new Histogram({
      name: 'voxfleet_tts_time_to_first_byte_seconds',
      help: 'Speech synthesis: request received to first audio byte sent.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.streamFirstPartial = new Histogram({
      name: 'voxfleet_stream_first_partial_seconds',
      help: 'Streaming ASR: speech detected to first partial of an utterance sent.',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.streamFinalLatency = new Histogram({
      name: 'voxfleet_stream_final_latency_seconds',
      help: 'Streaming ASR: last audio of an utterance received to its final sent (includes the endpointing silence).',
      labelNames: ['model'],
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.streamSpeculations = new Counter({
      name: 'voxfleet_stream_speculative_finals_total',
      help: 'Streaming ASR: finals decoded at a phrase end before the utterance was known to end, by outcome (used; wasted: decoded, the utterance went on; withdrawn: before it took a slot).',
      labelNames: ['model', 'outcome'],
      registers: [r],
    });
    this.activeStreams = new Gauge({
      name: 'voxfleet_active_streams',
      help: 'Open streaming ASR sessions.',
      labelNames: ['model'],
      registers: [r],
    });
    this.audioSeconds = new Counter({
      name: 'voxfleet_audio_seconds_total',
      help: 'Seconds of audio processed (kind: file, stream) or produced (kind: tts).',
      labelNames: ['model', 'kind'],
      registers: [r],
    });
    this.rtf = new Histogram({
      name: 'voxfleet_real_time_factor',
      help: 'Compute time divided by audio duration, per decode (file segments and stream finals) or TTS request.',
      labelNames: ['model', 'kind'],
      buckets: RTF_BUCKETS,
      registers: [r],
    });
    this.refusals = new Counter({
      name: 'voxfleet_errors_total',
      help: 'Errors returned to clients, by stable error code.',
      labelNames: ['code'],
      registers: [r],
    });
    this.admissionRefusals = new Counter({
      name: 'voxfleet_stream_admission_refusals_total',
      help: 'Streams refused with OVER_CAPACITY, by reason (headroom, final_wait, first_partial_wait, first_partial_latency, max_streams).',
      labelNames: ['reason'],
      registers: [r],
    });
    this.decodeBusy = new Counter({
      name: 'voxfleet_decode_busy_seconds_total',
      help: 'Inference slot time used, by class of work (final, speculative_final, first_partial, partial, speech, file, background).',
      labelNames: ['class'],
      registers: [r],
    });
    this.decodeWait = new Histogram({
      name: 'voxfleet_decode_wait_seconds',
      help: 'Time a decode waited for an inference slot, by class of work.',
      labelNames: ['class'],
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.streamFailover = new Histogram({
      name: 'voxfleet_stream_failover_seconds',
      help: 'Streams moved to another worker after theirs was lost: from the loss being noticed to the stream live again with its audio replayed.',
      buckets: LATENCY_BUCKETS_S,
      registers: [r],
    });
    this.routeAudit = new Counter({
      name: 'voxfleet_route_audit_total',
      help: "Routing decisions recorded for audit: calls served outside the caller's region (served_cross_region) and callers refused because their zone had no healthy worker (residency_unavailable).",
      labelNames: ['event', 'zone', 'from', 'to'],
      registers: [r],
    });
    const source = (): number | undefined => this.capacitySource?.();
    this.streamCapacity = new Gauge({
      name: 'voxfleet_stream_capacity',
      help: 'Streams the worker can carry now, from measured real-time headroom.',
      registers: [r],
      collect() {
        const v = source();
        if (v !== undefined) this.set(v);
      },
    });
  }

  /** Where the stream-capacity gauge reads its value at scrape time. */
  trackCapacity(source: () => number): void {
    this.capacitySource = source;
  }

  streamFailedOver(gapMs: number): void {
    this.streamFailover.observe(gapMs / 1000);
  }

  routeAudited(event: string, zone: string, from: string, to: string): void {
    this.routeAudit.inc({ event, zone, from, to });
  }

  streamRefused(reason: string): void {
    this.admissionRefusals.inc({ reason });
  }

  decodeDone(cls: string, waitMs: number, runMs: number): void {
    this.decodeBusy.inc({ class: cls }, runMs / 1000);
    this.decodeWait.observe({ class: cls }, waitMs / 1000);
  }

  requestDone(route: string, model: string, status: number): void {
    this.requests.inc({ route, model: model || 'none', status: String(status) });
  }

  errorReturned(code: string): void {
    this.refusals.inc({ code });
  }

  fileTranscribed(model: string, latencyMs: number, audioS: number): void {
    this.fileAsrLatency.observe({ model }, latencyMs / 1000);
    this.audioSeconds.inc({ model, kind: 'file' }, audioS);
    if (audioS > 0) this.rtf.observe({ model, kind: 'file' }, latencyMs / 1000 / audioS);
  }

  ttsFirstByteSent(model: string, latencyMs: number): void {
    this.ttsFirstByte.observe({ model }, latencyMs / 1000);
  }

  ttsDone(model: string, audioS: number, computeMs: number): void {
    this.audioSeconds.inc({ model, kind: 'tts' }, audioS);
    if (audioS > 0) this.rtf.observe({ model, kind: 'tts' }, computeMs / 1000 / audioS);
  }

  streamOpened(model: string): void {
    this.activeStreams.inc({ model });
  }

  streamClosed(model: string, audioS: number): void {
    this.activeStreams.dec({ model });
    this.audioSeconds.inc({ model, kind: 'stream' }, audioS);
  }

  streamFirstPartialSent(model: string, latencyMs: number): void {
    this.streamFirstPartial.observe({ model }, latencyMs / 1000);
  }

  /** `latencyMs` undefined: a final at a cut of continuous speech (no end of speech to time). */
  streamFinalSent(
    model: string,
    latencyMs: number | undefined,
    audioS: number,
    decodeMs: number,
  ): void {
    if (latencyMs !== undefined) this.streamFinalLatency.observe({ model }, latencyMs / 1000);
    if (audioS > 0) this.rtf.observe({ model, kind: 'stream' }, decodeMs / 1000 / audioS);
  }

  streamSpeculation(model: string, outcome: 'used' | 'wasted' | 'withdrawn'): void {
    this.streamSpeculations.inc({ model, outcome });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
