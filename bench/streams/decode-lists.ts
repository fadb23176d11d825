/**
 * The decode work that serving N streams implies, as lists of (audio, pass) jobs, so that the
 * raw engine can be timed on exactly that work with no server around it:
 *
 * - `policyDecodes`: what voxfleet's streaming session asks for (finals, speculative finals and
 *   partials at full freshness) — recorded by running the real StreamingSession, real silero
 *   VAD and real scheduler over each item with an instant stand-in engine that only records the
 *   audio it is handed. The list depends on the VAD and the policy, not on the transcript.
 * - `naiveDecodes`: what a plain server does: no VAD, the whole buffer since the stream began
 *   (up to Whisper's 30 s) re-decoded on every 500 ms tick, one final decode at the end.
 */
import { ManualClock } from '../../src/core/index.js';
import type {
  AsrDecodeOptions,
  DecodePass,
  AsrDecodeResult,
  FileAsrEngine,
  VadEngine,
} from '../../src/engines/index.js';
import { DEFAULT_ASR_SETTINGS } from '../../src/worker/model-settings.js';
import { DecodeScheduler } from '../../src/worker/scheduling/decode-scheduler.js';
import {
  StreamingSession,
  type StreamingConfig,
} from '../../src/worker/streaming/streaming-session.js';

export interface DecodeJob {
  readonly samples: Float32Array;
  readonly pass: DecodePass;
}

const RATE = 16000;
const TICK_S = 0.5;
const WHISPER_WINDOW_S = 30;

class RecordingEngine implements FileAsrEngine {
  readonly sampleRateHz = RATE;
  readonly maxInputS = WHISPER_WINDOW_S;
  readonly jobs: DecodeJob[] = [];
  decode(samples: Float32Array, options: AsrDecodeOptions): Promise<AsrDecodeResult> {
    this.jobs.push({ samples, pass: options.pass ?? 'final' });
    return Promise.resolve({ text: 'speech', language: 'en', tokens: [] });
  }
  close(): void {}
}

export async function policyDecodes(
  items: readonly Float32Array[],
  vad: VadEngine,
  config: StreamingConfig,
  endpointingMs: number,
  frameMs = 100,
): Promise<DecodeJob[]> {
  const engine = new RecordingEngine();
  const clock = new ManualClock();
  // Slots enough that nothing is ever thinned: the policy at full freshness.
  const scheduler = new DecodeScheduler({ slots: 1000, batchSlots: 1, maxQueued: 1000, clock });
  for (const pcm of items) {
    const session = await StreamingSession.open(
      {
        model: {
          descriptor: {
            name: 'recorder',
            version: '0.0.0',
            kind: 'asr',
            languages: ['en'],
            sampleRateHz: RATE,
            capabilities: ['stream'],
            aliases: [],
          },
          engine,
          settings: DEFAULT_ASR_SETTINGS,
        },
        vad,
        scheduler,
        clock,
        config,
      },
      {
        sessionId: 'bench',
        encoding: 'pcm_f32le',
        sampleRateHz: RATE,
        interimResults: true,
        endpointingMs,
      },
      () => undefined,
    );
    const step = Math.round((frameMs / 1000) * RATE);
    for (let off = 0; off < pcm.length; off += step) {
      const frame = pcm.slice(off, off + step);
      session.pushAudio(new Uint8Array(frame.buffer));
      await new Promise((r) => setImmediate(r));
    }
    await session.close();
  }
  return engine.jobs;
}

export function naiveDecodes(items: readonly Float32Array[]): DecodeJob[] {
  const jobs: DecodeJob[] = [];
  const tick = TICK_S * RATE;
  const window = WHISPER_WINDOW_S * RATE;
  for (const pcm of items) {
    for (let end = tick; end <= pcm.length; end += tick)
      jobs.push({ samples: pcm.subarray(Math.max(0, end - window), end), pass: 'partial' });
    jobs.push({ samples: pcm.subarray(Math.max(0, pcm.length - window)), pass: 'live_final' });
  }
  return jobs;
}
