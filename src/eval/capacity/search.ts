/**
 * The capacity search, pure: no clock, no server. `runStep(n)` runs one load step with `n`
 * concurrent streams and says whether it met the SLO. The search grows n as 1, 2, 4, 8, ...
 * (the last step clamped to `maxStreams`) until a step fails, then bisects between the last
 * pass and the first fail. Every n is run at most once, so even a noisy, non-monotone
 * `runStep` ends after at most about 2 log2(maxStreams) + 2 steps.
 */

/** What a step must say; implementations add their measurements. */
export interface StepResult {
  readonly pass: boolean;
  /** Why a step failed (or a note on a pass), for the report. */
  readonly reason?: string;
}

export interface SearchOptions {
  /** Upper bound on streams; the search never runs a step above it. */
  readonly maxStreams: number;
  /** Told after every step, in order. */
  readonly onStep?: (streams: number, result: StepResult) => void;
}

export interface SearchStep<R extends StepResult> {
  readonly streams: number;
  readonly result: R;
}

/**
 * How the search ended:
 * - 'found': a passing n whose n + 1 failed (or was bracketed by a failing step);
 * - 'capped': every step up to `maxStreams` passed, the real maximum may be higher;
 * - 'none': even one stream failed.
 */
export type SearchOutcome = 'found' | 'capped' | 'none';

export interface SearchResult<R extends StepResult> {
  /** The largest stream count that passed (0 when none did). */
  readonly maxStreams: number;
  readonly outcome: SearchOutcome;
  /** Every step run, in order. */
  readonly steps: readonly SearchStep<R>[];
}

export async function searchMaxStreams<R extends StepResult>(
  runStep: (streams: number) => Promise<R>,
  options: SearchOptions,
): Promise<SearchResult<R>> {
  const cap = options.maxStreams;
  if (!(Number.isInteger(cap) && cap >= 1))
    throw new RangeError(`maxStreams must be an integer >= 1 (got ${cap})`);
  const steps: SearchStep<R>[] = [];
  const step = async (streams: number): Promise<boolean> => {
    const result = await runStep(streams);
    steps.push({ streams, result });
    options.onStep?.(streams, result);
    return result.pass;
  };

  let lastPass = 0;
  let firstFail: number | undefined;
  for (let n = 1; ; n = Math.min(cap, n * 2)) {
    if (await step(n)) lastPass = n;
    else {
      firstFail = n;
      break;
    }
    if (n === cap) return { maxStreams: cap, outcome: 'capped', steps };
  }
  if (lastPass === 0) return { maxStreams: 0, outcome: 'none', steps };
  // Invariant: lastPass passed, firstFail failed, lastPass < firstFail.
  while (firstFail - lastPass > 1) {
    const mid = Math.floor((lastPass + firstFail) / 2);
    if (await step(mid)) lastPass = mid;
    else firstFail = mid;
  }
  return { maxStreams: lastPass, outcome: 'found', steps };
}

/** Fractions of the maximum at which latency is reported. */
export const LOAD_FRACTIONS: readonly number[] = [0.25, 0.5, 0.75, 1];

export interface LoadPoint {
  /** Percent of the maximum: 25, 50, 75, 100. */
  readonly percent: number;
  readonly streams: number;
}

/** 25/50/75/100 % of `maxStreams`, rounded half up, at least 1; none when the maximum is 0. */
export function loadPoints(
  maxStreams: number,
  fractions: readonly number[] = LOAD_FRACTIONS,
): LoadPoint[] {
  if (maxStreams < 1) return [];
  return fractions.map((f) => ({
    percent: Math.round(f * 100),
    streams: Math.max(1, Math.round(f * maxStreams)),
  }));
}
