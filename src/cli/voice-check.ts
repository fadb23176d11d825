/**
 * `voxfleet release voice-check`: a voice release judged by ear, mechanically. A voxfleet
 * server with both voices and a judge ASR model starts in this process; every sentence of the
 * check (release/voice-sentences.ts) is spoken by the candidate and by the baseline, one request
 * at a time, alternating which voice goes first (so first-byte times are taken on an otherwise
 * idle server), then every recording is transcribed back by the judge, one per decode slot. The
 * round trip WER of each voice and the paired bootstrap interval of their difference are what the
 * `roundtrip_wer` and `roundtrip_wer_delta` gates read; time to the first audio byte is reported
 * as seen here, for the record (the gate on it reads what the fleet's callers felt).
 */
import { synthesizeSpeech, transcribeBytes } from '../client/index.js';
import { compileServeConfig, mapLimited, type ServeOptions } from '../core/index.js';
import {
  aggregate,
  bootstrapWerDelta,
  normalizeText,
  summarizePercentiles,
  wordErrorRate,
  type WordErrorResult,
} from '../eval/index.js';
import { VOICE_CHECK_SENTENCES } from '../release/index.js';
import { startEmbeddedServer } from './embedded-server.js';

export interface VoiceCheckOptions {
  readonly candidate: string;
  readonly baseline: string;
  /** The ASR model that listens (default whisper-base: stronger than tiny.en on synthetic speech). */
  readonly judge: string;
  readonly serve: Pick<ServeOptions, 'dataDir' | 'mirrorDir' | 'registryUrl' | 'inferenceThreads'>;
  readonly sentences?: readonly string[];
}

export interface VoiceFigures {
  readonly voice: string;
  readonly roundtripWer: number;
  readonly firstByteMs: { readonly p50: number; readonly p95: number };
  /** Seconds of speech per sentence, summed: a voice that got much faster or slower shows here. */
  readonly audioS: number;
}

export interface VoiceCheckReport {
  readonly judge: string;
  readonly sentences: number;
  readonly refWords: number;
  readonly candidate: VoiceFigures;
  readonly baseline: VoiceFigures;
  /** Candidate minus baseline round-trip WER, with its 95 % paired bootstrap interval. */
  readonly delta: { readonly wer: number; readonly ciLow: number; readonly ciHigh: number };
}

export const VOICE_CHECK_DEFAULTS = Object.freeze({ judge: 'whisper-base' });

interface Recording {
  readonly wav: Buffer;
  readonly firstByteMs: number;
  readonly audioS: number;
}

/** A recording's timings and how the judge heard it. */
type Spoken = Omit<Recording, 'wav'> & { readonly result: WordErrorResult };

/** One sentence spoken by `voice`, with the time to its first byte as this client saw it. */
async function speak(url: string, voice: string, text: string): Promise<Recording> {
  const started = performance.now();
  const res = await synthesizeSpeech(url, text, { model: voice, format: 'wav' });
  const parts: Uint8Array[] = [];
  let firstByteMs: number | undefined;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    firstByteMs ??= performance.now() - started;
    parts.push(chunk);
  }
  const wav = Buffer.concat(parts);
  const rate = Number(res.headers.get('x-voxfleet-sample-rate') ?? 0);
  return {
    wav,
    firstByteMs: firstByteMs ?? performance.now() - started,
    audioS: rate > 0 ? (wav.length - 44) / 2 / rate : 0,
  };
}

export async function runVoiceCheck(options: VoiceCheckOptions): Promise<VoiceCheckReport> {
  const sentences = options.sentences ?? VOICE_CHECK_SENTENCES;
  const config = compileServeConfig({
    ...options.serve,
    models: [options.candidate, options.baseline, options.judge, 'silero-vad'],
    // No live streams on this private server: the judge's decodes may take every slot.
    batchShare: 1,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    console: false,
  });
  const server = await startEmbeddedServer(config);
  const spoken = { candidate: [] as Spoken[], baseline: [] as Spoken[] };
  try {
    const recorded = { candidate: [] as Recording[], baseline: [] as Recording[] };
    for (const [i, text] of sentences.entries()) {
      // Alternating who goes first: a warm cache or a busy moment favours neither voice.
      const order =
        i % 2 === 0 ? (['candidate', 'baseline'] as const) : (['baseline', 'candidate'] as const);
      for (const side of order) recorded[side].push(await speak(server.url, options[side], text));
    }
    const norm = (t: string): string => normalizeText(t, { numbers: 'spell' });
    const hear = async ({ wav, ...timing }: Recording, text: string): Promise<Spoken> => {
      const heard = JSON.parse(
        await transcribeBytes(server.url, wav, { model: options.judge, language: 'en' }),
      ) as { text: string };
      return { ...timing, result: wordErrorRate(norm(text), norm(heard.text)) };
    };
    // Both voices in one queue, so every slot stays busy to the end.
    const queue = (['candidate', 'baseline'] as const).flatMap((side) =>
      recorded[side].map((recording, i) => ({ side, recording, text: sentences[i]! })),
    );
    const heard = await mapLimited(queue, config.decodeConcurrency, ({ recording, text }) =>
      hear(recording, text),
    );
    queue.forEach(({ side }, i) => spoken[side].push(heard[i]!));
  } finally {
    await server.close();
  }
  const figures = (side: 'candidate' | 'baseline'): VoiceFigures => {
    const firstBytes = summarizePercentiles(spoken[side].map((s) => s.firstByteMs));
    return {
      voice: options[side],
      roundtripWer: aggregate(spoken[side].map((s) => s.result)).wer,
      firstByteMs: { p50: firstBytes?.p50 ?? NaN, p95: firstBytes?.p95 ?? NaN },
      audioS: spoken[side].reduce((sum, s) => sum + s.audioS, 0),
    };
  };
  const interval = bootstrapWerDelta(
    spoken.candidate.map((c, i) => ({
      refWords: c.result.refWords,
      candidateErrors: c.result.errors,
      baselineErrors: spoken.baseline[i]!.result.errors,
    })),
    { resamples: 2000, seed: 1, confidence: 0.95 },
  );
  return {
    judge: options.judge,
    sentences: sentences.length,
    refWords: spoken.candidate.reduce((sum, s) => sum + s.result.refWords, 0),
    candidate: figures('candidate'),
    baseline: figures('baseline'),
    delta: { wer: interval.delta, ciLow: interval.ciLow, ciHigh: interval.ciHigh },
  };
}
