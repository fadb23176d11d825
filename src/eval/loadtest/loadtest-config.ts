/**
 * `voxfleet loadtest` options: user input in, a frozen config out with every default filled.
 * The defaults live in this one table, each with its unit; bad input names the option.
 */
import { invalidArgument } from '../../core/index.js';

/**
 * What each virtual client does:
 * - 'stream': `/v1/listen` at real-time pace, one WebSocket per utterance, partials on;
 * - 'tts': `POST /v1/audio/speech` with each manifest text;
 * - 'rest': `POST /v1/audio/transcriptions` with each manifest file.
 */
export type LoadtestMode = 'stream' | 'tts' | 'rest';
export const LOADTEST_MODES: readonly LoadtestMode[] = ['stream', 'tts', 'rest'];
/**
 * Wire protocols spoken (docs/loadtest.md):
 * - 'voxfleet': voxfleet's own, every mode;
 * - 'whisperlive': a WhisperLive server's WebSocket protocol, stream mode only;
 * - 'whisperlivekit': a WhisperLiveKit server's `/asr` WebSocket with `--pcm-input`, stream
 *   mode only; the server's model serves every session, so `model` is refused.
 */
export type LoadtestProtocol = 'voxfleet' | 'whisperlive' | 'whisperlivekit';
export const LOADTEST_PROTOCOLS: readonly LoadtestProtocol[] = [
  'voxfleet',
  'whisperlive',
  'whisperlivekit',
];

export interface LoadtestOptions {
  target?: string;
  manifest?: string;
  streams?: number;
  rampS?: number;
  durationS?: number;
  drainS?: number;
  mode?: string;
  frameMs?: number;
  protocol?: string;
  /** 'client': time speech from the audio sent, for every protocol (side-by-side runs). */
  speechTimes?: string;
  model?: string;
  language?: string;
  out?: string;
}

export interface LoadtestConfig {
  readonly target: string;
  readonly manifest: string;
  readonly streams: number;
  readonly rampMs: number;
  readonly durationMs: number;
  readonly drainMs: number;
  readonly mode: LoadtestMode;
  readonly frameMs: number;
  readonly protocol: LoadtestProtocol;
  /**
   * Where speech start and end come from: 'server' uses the server's times when its protocol
   * reports them (voxfleet), 'client' measures them on the audio sent, the same for every
   * protocol, so a voxfleet run and a peer run are timed alike.
   */
  readonly speechTimes: 'server' | 'client';
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly out: string | undefined;
}

export const LOADTEST_DEFAULTS = Object.freeze({
  target: 'http://127.0.0.1:8080',
  /** Seconds over which the streams start, evenly spaced (0 = all at once). */
  rampS: 0,
  /** Seconds after which no utterance starts. */
  durationS: 60,
  /** Seconds in-flight utterances get after the duration before they are cut off. */
  drainS: 30,
  mode: 'stream',
  /** Milliseconds of audio per WebSocket frame. */
  frameMs: 100,
  protocol: 'voxfleet',
  /** Hard bounds: concurrent clients and seconds of a run. */
  maxStreams: 1000,
  maxDurationS: 3600,
});

/** Validates loadtest options once and fills every default. */
export function compileLoadtestConfig(
  options: LoadtestOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LoadtestConfig {
  const d = LOADTEST_DEFAULTS;
  if (options.manifest === undefined || options.manifest.trim() === '')
    throw invalidArgument('manifest', 'is required (a JSON Lines file)');
  const target = options.target ?? env.VOXFLEET_URL ?? d.target;
  if (!/^https?:\/\/\S+$/.test(target))
    throw invalidArgument('target', 'must be an http(s) URL', target);
  const streams = options.streams;
  if (streams === undefined) throw invalidArgument('streams', 'is required');
  if (!(Number.isInteger(streams) && streams >= 1 && streams <= d.maxStreams))
    throw invalidArgument('streams', `must be an integer from 1 to ${d.maxStreams}`, streams);
  const durationS = options.durationS ?? d.durationS;
  if (!(Number.isFinite(durationS) && durationS > 0 && durationS <= d.maxDurationS))
    throw invalidArgument('duration_s', `must be a number > 0 and <= ${d.maxDurationS}`, durationS);
  const rampS = options.rampS ?? d.rampS;
  if (!(Number.isFinite(rampS) && rampS >= 0 && rampS < durationS))
    throw invalidArgument('ramp_s', 'must be a number >= 0 and below duration_s', rampS);
  const drainS = options.drainS ?? d.drainS;
  if (!(Number.isFinite(drainS) && drainS >= 0 && drainS <= 600))
    throw invalidArgument('drain_s', 'must be a number from 0 to 600', drainS);
  const mode = options.mode ?? d.mode;
  if (!(LOADTEST_MODES as readonly string[]).includes(mode))
    throw invalidArgument('mode', `must be one of ${LOADTEST_MODES.join(', ')}`, mode);
  const frameMs = options.frameMs ?? d.frameMs;
  if (!(Number.isInteger(frameMs) && frameMs >= 20 && frameMs <= 100))
    throw invalidArgument('frame_ms', 'must be an integer from 20 to 100', frameMs);
  const protocol = options.protocol ?? d.protocol;
  if (!(LOADTEST_PROTOCOLS as readonly string[]).includes(protocol))
    throw invalidArgument('protocol', `must be one of ${LOADTEST_PROTOCOLS.join(', ')}`, protocol);
  const speechTimes = options.speechTimes ?? 'server';
  if (speechTimes !== 'server' && speechTimes !== 'client')
    throw invalidArgument('speech_times', "must be 'server' or 'client'", speechTimes);
  if (protocol !== 'voxfleet' && mode !== 'stream')
    throw invalidArgument('mode', `must be stream with protocol ${protocol}`, mode);
  if (protocol === 'whisperlivekit' && nonEmpty(options.model) !== undefined)
    throw invalidArgument(
      'model',
      'is not supported with protocol whisperlivekit (the server picks it)',
    );
  return Object.freeze({
    target,
    manifest: options.manifest,
    streams,
    rampMs: rampS * 1000,
    durationMs: durationS * 1000,
    drainMs: drainS * 1000,
    mode: mode as LoadtestMode,
    frameMs,
    protocol: protocol as LoadtestProtocol,
    speechTimes,
    model: nonEmpty(options.model),
    language: nonEmpty(options.language)?.toLowerCase(),
    out: nonEmpty(options.out),
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
