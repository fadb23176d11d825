/**
 * `voxfleet loadtest`: prepares the manifest's audio, runs the schedule with one turn runner
 * per mode (streams through the configured protocol), reports progress, and builds the result
 * (summary + every turn record).
 */
import { readFile } from 'node:fs/promises';
import { decodeAudioFile, resample, toPcm16 } from '../../core/index.js';
import { readManifest } from '../manifest.js';
import type { LoadtestConfig } from './loadtest-config.js';
import { LOADTEST_RESULT_SCHEMA, type LoadtestResult, type TurnRecord } from './loadtest-types.js';
import {
  STREAM_RATE_HZ,
  runRestTurn,
  runStreamTurn,
  runTtsTurn,
  type PreparedItem,
  type TurnContext,
} from './run-turns.js';
import { streamProtocolFor } from './protocols/index.js';
import { runSchedule, systemLoadClock, type LoadClock } from './schedule.js';
import { findSpeechSpan } from './speech-span.js';
import { summarizeTurns } from './summarize.js';

/** Limits for decoding manifest audio on the client: the server's own defaults. */
const CLIENT_AUDIO_LIMITS = { maxDurationS: 7200, maxChannels: 8 };
/** Wait before a refused client tries again. */
const RETRY_AFTER_REFUSAL_MS = 1000;
/** How often the progress callback is called. */
const PROGRESS_EVERY_MS = 1000;

export interface LoadtestProgress {
  readonly open: number;
  readonly done: number;
  readonly errors: number;
  readonly refused: number;
  readonly elapsedMs: number;
}

export interface RunLoadtestOptions {
  readonly clock?: LoadClock;
  readonly onProgress?: (progress: LoadtestProgress) => void;
}

export async function prepareItems(config: LoadtestConfig): Promise<PreparedItem[]> {
  const items = await readManifest(config.manifest);
  return Promise.all(
    items.map(async (item): Promise<PreparedItem> => {
      if (config.mode === 'tts') return { item, bytes: new Uint8Array(0), audioS: 0 };
      const bytes = new Uint8Array(await readFile(item.audioPath));
      if (config.mode === 'rest') return { item, bytes, audioS: item.durationS ?? 0 };
      const audio = await resample(
        await decodeAudioFile(bytes, CLIENT_AUDIO_LIMITS),
        STREAM_RATE_HZ,
      );
      const speech = findSpeechSpan(audio.samples, STREAM_RATE_HZ);
      return {
        item,
        bytes,
        pcm: toPcm16(audio.samples),
        audioS: audio.samples.length / STREAM_RATE_HZ,
        ...(speech !== undefined ? { speech } : {}),
      };
    }),
  );
}

export async function runLoadtest(
  config: LoadtestConfig,
  options: RunLoadtestOptions = {},
): Promise<LoadtestResult> {
  const clock = options.clock ?? systemLoadClock;
  const items = await prepareItems(config);
  const records: TurnRecord[] = [];
  let open = 0;
  const t0Ms = clock.now();
  const progress = (): LoadtestProgress => ({
    open,
    done: records.filter((r) => r.error === undefined).length,
    errors: records.filter((r) => r.error !== undefined && !r.error.atOpen).length,
    refused: records.filter((r) => r.error?.atOpen === true).length,
    elapsedMs: clock.now() - t0Ms,
  });
  const runner = { stream: runStreamTurn, tts: runTtsTurn, rest: runRestTurn }[config.mode];
  const protocol = streamProtocolFor(config.protocol);
  const ticker = new AbortController();
  const tick = async (): Promise<void> => {
    while (!ticker.signal.aborted) {
      await clock.sleep(PROGRESS_EVERY_MS, ticker.signal);
      if (!ticker.signal.aborted) options.onProgress?.(progress());
    }
  };
  const ticking = tick();
  let outcome;
  try {
    outcome = await runSchedule({
      streams: config.streams,
      rampMs: config.rampMs,
      durationMs: config.durationMs,
      drainMs: config.drainMs,
      retryAfterRefusalMs: RETRY_AFTER_REFUSAL_MS,
      clock,
      runTurn: async (slot, turn, signal) => {
        const prepared = items[(slot + turn) % items.length]!;
        const ctx: TurnContext = {
          baseUrl: config.target,
          model: config.model,
          language: config.language,
          frameMs: config.frameMs,
          protocol,
          speechTimes: config.speechTimes,
          clock,
          t0Ms,
          signal,
          onOpenChange: (delta) => (open += delta),
        };
        const record = await runner(prepared, slot, ctx);
        records.push(record);
        return record.error?.atOpen === true ? 'refused' : 'done';
      },
    });
  } finally {
    ticker.abort();
    await ticking;
  }
  options.onProgress?.(progress());
  return {
    schema: LOADTEST_RESULT_SCHEMA,
    createdAt: new Date().toISOString(),
    config: {
      target: config.target,
      manifest: config.manifest,
      mode: config.mode,
      protocol: config.protocol,
      streams: config.streams,
      rampS: config.rampMs / 1000,
      durationS: config.durationMs / 1000,
      frameMs: config.frameMs,
      speechTimes: config.speechTimes,
      model: config.model ?? null,
      language: config.language ?? null,
    },
    cutOff: outcome.cutOff,
    summary: summarizeTurns(config.mode, records, outcome.elapsedMs),
    turns: [...records].sort((a, b) => a.startMs - b.startMs || a.slot - b.slot),
  };
}
