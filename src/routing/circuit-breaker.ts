/**
 * Circuit breakers for workers and regions, on the injected clock. A breaker opens after
 * `failures` failures in a row (an error, or an answer slower than `slowMs`), refuses traffic
 * for `openMs`, then lets exactly one probe through (half-open): its success closes the
 * breaker, its failure opens it again for twice as long (up to `maxOpenMs`), so a flapping
 * worker is tried less and less often instead of taking a share of every burst.
 *
 * OVER_CAPACITY is not a failure: a full worker is healthy and says so quickly.
 */
import type { Clock } from '../core/index.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerPolicy {
  readonly failures: number;
  readonly slowMs: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = Object.freeze({
  /** One lost packet or one slow open is noise; three in a row is a pattern. */
  failures: 3,
  /** An open normally takes a few ms; 2 s means the worker or its link is in trouble. */
  slowMs: 2000,
  /** Long enough for a restarting worker's heartbeat to settle. */
  openMs: 5000,
  maxOpenMs: 60_000,
});

export class CircuitBreaker {
  private stateNow: BreakerState = 'closed';
  private failuresInRow = 0;
  private openUntilMs = 0;
  private openForMs: number;
  private probeInFlight = false;

  constructor(
    private readonly clock: Clock,
    private readonly policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
  ) {
    this.openForMs = policy.openMs;
  }

  get state(): BreakerState {
    if (this.stateNow === 'open' && this.clock.now() >= this.openUntilMs) {
      this.stateNow = 'half-open';
      this.probeInFlight = false;
    }
    return this.stateNow;
  }

  /** Whether a call may go through now; in half-open, true once (the probe). */
  tryPass(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probeInFlight) return false;
    this.probeInFlight = true;
    return true;
  }

  /** Whether a call could go through now, without taking the half-open probe. */
  get admits(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && !this.probeInFlight);
  }

  /** A call answered in `latencyMs`: success unless slower than the policy allows. */
  succeeded(latencyMs: number): void {
    if (latencyMs > this.policy.slowMs) {
      this.failed();
      return;
    }
    this.failuresInRow = 0;
    this.stateNow = 'closed';
    this.probeInFlight = false;
    this.openForMs = this.policy.openMs;
  }

  failed(): void {
    const state = this.state;
    this.failuresInRow += 1;
    if (state === 'half-open') {
      this.openForMs = Math.min(this.openForMs * 2, this.policy.maxOpenMs);
      this.open();
    } else if (state === 'closed' && this.failuresInRow >= this.policy.failures) {
      this.open();
    }
  }

  private open(): void {
    this.stateNow = 'open';
    this.probeInFlight = false;
    this.openUntilMs = this.clock.now() + this.openForMs;
  }
}

/**
 * One breaker per key (`worker:<id>`, `region:<name>`), made on first use. It is the NATS
 * fabric's CallHealth (structurally: routing does not import the fabric).
 */
export class BreakerBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
  ) {}

  get(key: string): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (breaker === undefined)
      this.breakers.set(key, (breaker = new CircuitBreaker(this.clock, this.policy)));
    return breaker;
  }

  admits(key: string): boolean {
    return this.get(key).admits;
  }

  tryPass(key: string): boolean {
    return this.get(key).tryPass();
  }

  succeeded(key: string, latencyMs: number): void {
    this.get(key).succeeded(latencyMs);
  }

  failed(key: string): void {
    this.get(key).failed();
  }

  /** Breakers that are not closed, for metrics and the fleet view. */
  notClosed(): Array<{ key: string; state: BreakerState }> {
    return [...this.breakers]
      .map(([key, b]) => ({ key, state: b.state }))
      .filter((b) => b.state !== 'closed');
  }

  forget(key: string): void {
    this.breakers.delete(key);
  }

  /** Whether `key` has a breaker (one is made at its first call). */
  has(key: string): boolean {
    return this.breakers.has(key);
  }
}
