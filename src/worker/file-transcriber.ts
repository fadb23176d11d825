/**
 * File ASR: decode the upload, resample to the model rate, find speech with the VAD, cut only
 * at silence into chunks of at most maxChunkS, decode the chunks concurrently through the
 * shared scheduler, and hand segments back in order as soon as each one (and all before it)
 * is done — which is what `stream=true` sends as server-sent events.
 */
import {
  VoxfleetError,
  decodeAudioFile,
  decodeRawPcm,
  mapLimited,
  resample,
  type AudioLimits,
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
  type TranscriptSegment,
} from '../core/index.js';
import type { SpeechSegment, VadEngine, VadOptions } from '../engines/index.js';
import { planChunks, type Chunk, type Span } from './chunk-plan.js';
import type { DecodeScheduler } from './scheduling/decode-scheduler.js';
import type { LoadedAsrModel, ModelSet } from './model-set.js';
import { cleanTranscript } from './transcript-cleanup.js';
import { estimateWordTimings } from './word-timings.js';

export interface FileTranscriberConfig {
  readonly limits: AudioLimits;
}

export interface FileTranscriberDeps {
  readonly models: ModelSet;
  readonly vad: VadEngine;
  readonly scheduler: DecodeScheduler;
  readonly config: FileTranscriberConfig;
}

export interface TranscribeOptions {
  readonly onSegment?: (segment: TranscriptSegment) => void;
  readonly signal?: AbortSignal;
}

export async function transcribeFile(
  deps: FileTranscriberDeps,
  request: FileTranscriptionRequest,
  options: TranscribeOptions = {},
): Promise<FileTranscriptionResult> {
  const model = deps.models.resolveAsr(request.model, request.language, request.task);
  const decoded =
    request.rawFormat === undefined
      ? await decodeAudioFile(request.audio, deps.config.limits)
      : decodeRawPcm(
          request.audio,
          request.rawFormat.encoding,
          request.rawFormat.sampleRateHz,
          deps.config.limits,
        );
  if (
    request.declaredSampleRateHz !== undefined &&
    request.declaredSampleRateHz !== decoded.sampleRateHz
  ) {
    throw new VoxfleetError(
      'AUDIO_SAMPLE_RATE_MISMATCH',
      `'sample_rate' is ${request.declaredSampleRateHz} but the file says ${decoded.sampleRateHz} Hz`,
      { field: 'sample_rate' },
    );
  }
  if (decoded.samples.length === 0)
    throw new VoxfleetError('AUDIO_EMPTY', 'the audio holds no samples');
  const audio = await resample(decoded, model.engine.sampleRateHz);
  options.signal?.throwIfAborted();

  const rate = audio.sampleRateHz;
  const { file: segmentation, postprocess } = model.settings;
  const speech = await findSpeech(deps.vad, audio.samples, rate, segmentation.vad, options.signal);
  const chunks = planChunks(speech, { ...segmentation.chunking, totalS: decoded.durationS });
  const forcedLanguage = request.language === 'auto' ? undefined : request.language;

  const emitter = new InOrderEmitter(options.onSegment);
  // One more chunk in flight than batch slots keeps the slots busy without flooding the queue.
  const results = await mapLimited(chunks, deps.scheduler.batchSlots + 1, async (chunk, index) => {
    const samples = audio.samples.subarray(
      Math.floor(chunk.startS * rate),
      Math.ceil(chunk.endS * rate),
    );
    const result = await deps.scheduler.run(
      'file',
      () =>
        model.engine.decode(samples, {
          language: forcedLanguage ?? defaultLanguage(model),
          task: request.task,
        }),
      options.signal,
    );
    const segment = toSegment(index, chunk, cleanTranscript(result.text, postprocess));
    emitter.complete(index, segment);
    return { segment, language: result.language, durationS: chunk.endS - chunk.startS };
  });

  const segments = results.map((r) => r.segment).filter((s) => s.text.length > 0);
  return {
    model: model.descriptor.name,
    modelVersion: model.descriptor.version,
    language: pickLanguage(results, forcedLanguage ?? defaultLanguage(model)),
    durationS: decoded.durationS,
    text: segments.map((s) => s.text).join(' '),
    segments: segments.map((s, id) => ({ ...s, id })),
  };
}

/**
 * Seconds of audio the VAD takes in one go. The VAD runs on the calling thread (about 2.4 ms
 * per second of audio), so a long file is fed in slices with a yield between them: an hour of
 * audio would otherwise hold the event loop, and every live stream, for ~9 s.
 */
const VAD_SLICE_S = 10;

/** Runs the VAD over the whole file; returns speech spans in seconds. */
export async function findSpeech(
  vad: VadEngine,
  samples: Float32Array,
  rateHz: number,
  options: VadOptions,
  signal?: AbortSignal,
): Promise<Span[]> {
  const session = vad.openSession(options);
  try {
    const found: SpeechSegment[] = [];
    const slice = VAD_SLICE_S * rateHz;
    for (let at = 0; at < samples.length; at += slice) {
      found.push(...session.accept(samples.subarray(at, Math.min(samples.length, at + slice))));
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
    }
    found.push(...session.flush());
    return found.map((s) => ({
      startS: s.startSample / rateHz,
      endS: (s.startSample + s.samples.length) / rateHz,
    }));
  } finally {
    session.close();
  }
}

function defaultLanguage(model: LoadedAsrModel): string | undefined {
  return model.descriptor.languages.includes('*') ? undefined : model.descriptor.languages[0];
}

function toSegment(id: number, chunk: Chunk, text: string): TranscriptSegment {
  return {
    id,
    start_s: round(chunk.startS),
    end_s: round(chunk.endS),
    text,
    words: estimateWordTimings(text, chunk.speech),
  };
}

/** The language spoken for longest, as the model detected it per chunk. */
function pickLanguage(
  results: readonly { language: string; durationS: number }[],
  fallback: string | undefined,
): string {
  const byLanguage = new Map<string, number>();
  for (const r of results) {
    if (r.language) byLanguage.set(r.language, (byLanguage.get(r.language) ?? 0) + r.durationS);
  }
  let best = fallback ?? '';
  let bestS = -1;
  for (const [language, s] of byLanguage) {
    if (s > bestS) {
      best = language;
      bestS = s;
    }
  }
  return best;
}

/** Releases segments to the callback in index order, each as soon as all before it are done. */
class InOrderEmitter {
  private next = 0;
  private emitted = 0;
  private readonly done = new Map<number, TranscriptSegment>();

  constructor(private readonly onSegment: ((s: TranscriptSegment) => void) | undefined) {}

  complete(index: number, segment: TranscriptSegment): void {
    if (this.onSegment === undefined) return;
    this.done.set(index, segment);
    for (let s = this.done.get(this.next); s !== undefined; s = this.done.get(this.next)) {
      this.done.delete(this.next);
      this.next++;
      // Empty chunks are dropped, so ids are renumbered the way the final response numbers them.
      if (s.text.length > 0) this.onSegment({ ...s, id: this.emitted++ });
    }
  }
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
