/**
 * `voxfleet release privacy-check`: serves sentinel traffic through a candidate and searches
 * everything the server let out for it (release/privacy-sentinels.ts). A voxfleet server with the
 * candidate, the VAD and a TTS voice starts in this process, logging at `trace` (the most a
 * misconfigured server would log) into memory. Sentinel phrases are voiced by the TTS model and
 * sent to the candidate as files and as real-time streams, every call with a fresh sentinel API
 * key; then every log line, the metrics page and the fleet view are searched for the phrases,
 * the transcripts returned, the key and the audio.
 *
 * Traces are not searched: voxfleet emits none yet.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { ListenSession, streamPcm16, synthesizeSpeech, transcribeBytes } from '../client/index.js';
import {
  compileServeConfig,
  decodeAudioFile,
  resample,
  toPcm16,
  type ServeOptions,
} from '../core/index.js';
import { findLeaks, sentinelNeedles, type LeakFinding } from '../release/index.js';
import { startEmbeddedServer } from './embedded-server.js';

/** Phrases no log message says by chance, in words any English ASR model spells alike. */
export const SENTINEL_PHRASES = Object.freeze([
  'The purple walrus quietly borrowed seven umbrellas from the lighthouse keeper.',
  'Please send the marmalade invoice to the second floor before Thursday evening.',
]);

export interface PrivacyCheckOptions {
  /** The candidate: an ASR model version. */
  readonly model: string;
  /** The voice that speaks the sentinel phrases. */
  readonly tts: string;
  /** Where models come from (data dir, mirror, registry). */
  readonly serve: Pick<ServeOptions, 'dataDir' | 'mirrorDir' | 'registryUrl' | 'inferenceThreads'>;
}

export interface PrivacyReport {
  readonly model: string;
  readonly requests: { readonly files: number; readonly streams: number; readonly speech: number };
  readonly searched: { readonly logLines: number; readonly metricsBytes: number };
  readonly needles: number;
  readonly leaks: number;
  readonly findings: readonly LeakFinding[];
}

export async function runPrivacyCheck(options: PrivacyCheckOptions): Promise<PrivacyReport> {
  const logLines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const config = compileServeConfig({
    ...options.serve,
    models: [options.model, 'silero-vad', options.tts],
    host: '127.0.0.1',
    port: 0,
    logLevel: 'trace',
    console: false,
  });
  const server = await startEmbeddedServer(config, { logStream });
  const apiKey = `vf-sentinel-${randomBytes(12).toString('hex')}`;
  const audio: Uint8Array[] = [];
  const transcripts: string[] = [];
  let metrics: string;
  let fleet: string;
  try {
    for (const phrase of SENTINEL_PHRASES) {
      const speech = await synthesizeSpeech(server.url, phrase, { model: options.tts, apiKey });
      const wav = new Uint8Array(await speech.arrayBuffer());
      audio.push(wav);
      const json = await transcribeBytes(server.url, wav, {
        model: options.model,
        apiKey,
        fileName: 'sentinel.wav',
      });
      transcripts.push((JSON.parse(json) as { text: string }).text);

      const decoded = await decodeAudioFile(wav, { maxDurationS: 60, maxChannels: 1 });
      const pcm = toPcm16((await resample(decoded, 16000)).samples);
      audio.push(pcm);
      const session = await ListenSession.open(server.url, {
        model: options.model,
        apiKey,
        encoding: 'pcm_s16le',
        sampleRateHz: 16000,
      });
      session.onEvent((e) => {
        if (e.type === 'final' || e.type === 'partial') transcripts.push(e.text);
      });
      await streamPcm16(session, pcm, { sampleRateHz: 16000, pace: 4 });
    }
    metrics = await (await fetch(new URL('/metrics', server.url))).text();
    fleet = await (await fetch(new URL('/v1/fleet', server.url))).text();
  } finally {
    await server.close();
  }
  const needles = sentinelNeedles({ phrases: SENTINEL_PHRASES, transcripts, apiKey, audio });
  const findings = findLeaks(
    [
      { source: 'log', text: logLines.join('') },
      { source: 'metrics', text: metrics },
      { source: 'fleet', text: fleet },
    ],
    needles,
  );
  return {
    model: options.model,
    requests: {
      files: SENTINEL_PHRASES.length,
      streams: SENTINEL_PHRASES.length,
      speech: SENTINEL_PHRASES.length,
    },
    searched: { logLines: logLines.length, metricsBytes: metrics.length },
    needles: needles.length,
    leaks: findings.length,
    findings,
  };
}
