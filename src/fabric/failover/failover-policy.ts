/**
 * When and how often a stream is reopened on another worker: data plus pure functions, so the
 * policy is unit-tested without I/O.
 */
import type { ErrorCode } from '../../core/index.js';

export interface FailoverPolicy {
  /** Reopen attempts per loss before the stream ends with the last error. */
  readonly maxAttempts: number;
  /** Wait before attempt n (0-based); the first is immediate, a lost worker is not a busy one. */
  readonly backoffMs: readonly number[];
  /** Audio held since the last final; longer without a final and the stream cannot fail over. */
  readonly maxBufferedS: number;
  /**
   * With no utterance open, audio older than this is not kept. A speech onset is reported
   * ~0.3 s into the speech (VAD minimum speech plus a window); the rest of the margin covers a
   * worker running behind a client that sends faster than real time.
   */
  readonly silenceKeptS: number;
  /** Trim grid for the replay buffer (ms), see ReplayBuffer. */
  readonly trimGridMs: number;
}

export const DEFAULT_FAILOVER_POLICY: FailoverPolicy = Object.freeze({
  maxAttempts: 4,
  backoffMs: Object.freeze([0, 250, 1000, 2000]),
  // Whisper utterances are forced to end at 20 s (the worker's streaming config).
  maxBufferedS: 60,
  silenceKeptS: 5,
  trimGridMs: 32,
});

/** A lost worker is failed over; errors the stream itself caused are the client's to see. */
export function isFailoverCause(code: ErrorCode): boolean {
  return code === 'WORKER_LOST';
}

/** Whether reopening may be tried again after this refusal (the fleet is busy or changing). */
export function isRetryableOpen(code: ErrorCode): boolean {
  return (
    code === 'WORKER_LOST' ||
    code === 'NOT_READY' ||
    code === 'OVER_CAPACITY' ||
    code === 'SHUTTING_DOWN' ||
    // The zone may be back within the backoff (a worker restarting); if not, the stream ends
    // with this code, never served outside the zone.
    code === 'RESIDENCY_UNAVAILABLE'
  );
}

export function delayFor(policy: FailoverPolicy, attempt: number): number {
  return policy.backoffMs[Math.min(attempt, policy.backoffMs.length - 1)] ?? 0;
}
