/**
 * Per-request deadlines for `voxfleet eval`: a request that takes longer is aborted and recorded
 * as REQUEST_TIMEOUT, and the run goes on with the next item. A hung server (or a stuck decode)
 * then costs one deadline per item instead of the whole run.
 */
import { VoxfleetError, type Clock } from '../../core/index.js';
import { EVAL_DEFAULTS } from './eval-config.js';

/**
 * The deadline of one request, in ms: `timeoutS` when given, else scaled to the audio — at least
 * `minTimeoutS`, 10 s per second of audio (ws-realtime alone takes 1 s per second), and a fixed
 * `unknownDurationTimeoutS` when the manifest does not say how long the audio is.
 */
export function timeoutMsFor(
  durationS: number | undefined,
  timeoutS: number | undefined,
  defaults: Pick<
    typeof EVAL_DEFAULTS,
    'minTimeoutS' | 'timeoutSPerAudioS' | 'unknownDurationTimeoutS'
  > = EVAL_DEFAULTS,
): number {
  if (timeoutS !== undefined) return timeoutS * 1000;
  if (durationS === undefined || !(durationS > 0)) return defaults.unknownDurationTimeoutS * 1000;
  return Math.max(defaults.minTimeoutS, defaults.timeoutSPerAudioS * durationS) * 1000;
}

/**
 * Runs `work` with a signal that aborts after `timeoutMs` on `clock`. At the deadline the call
 * rejects with REQUEST_TIMEOUT at once, even when `work` does not honour the signal (a decode
 * already running in the engine cannot be interrupted): the caller moves on either way.
 */
export async function runWithDeadline<T>(
  work: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  clock: Clock,
): Promise<T> {
  const controller = new AbortController();
  let expire: (err: VoxfleetError) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    expire = reject;
  });
  const timer = clock.setTimeout(() => {
    const err = new VoxfleetError(
      'REQUEST_TIMEOUT',
      `no answer within ${formatSeconds(timeoutMs)} (--timeout-s); the request was aborted`,
    );
    controller.abort(err);
    expire(err);
  }, timeoutMs);
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    timer.cancel();
  }
}

/** 1500 -> '1.5 s' (whole milliseconds, no trailing zeros). */
function formatSeconds(ms: number): string {
  return `${Math.round(ms) / 1000} s`;
}
