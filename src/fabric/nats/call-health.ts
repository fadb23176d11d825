/**
 * What the NATS fabric asks before and tells after each open, keyed `worker:<id>` and
 * `region:<name>`: the seam where routing's circuit breakers plug in (the gateway composes
 * them; the fabric does not know their policy). Without one every worker and region is
 * always tried.
 */
export interface CallHealth {
  /** Whether a call could go to `key` now (no side effect). */
  admits(key: string): boolean;
  /** Takes the right to try `key` now (in half-open, the single probe). */
  tryPass(key: string): boolean;
  succeeded(key: string, latencyMs: number): void;
  failed(key: string): void;
  /**
   * The worker behind `key` is gone from the fleet: its history is dropped (worker ids are new
   * with every process, so a long-lived gateway would otherwise keep one per worker ever seen).
   * A worker that announces itself again starts afresh: its heartbeat is the sign it is back.
   */
  forget?(key: string): void;
}

export const ALWAYS_HEALTHY: CallHealth = Object.freeze({
  admits: () => true,
  tryPass: () => true,
  succeeded: () => undefined,
  failed: () => undefined,
});

export const workerKey = (id: string): string => `worker:${id}`;
export const regionKey = (name: string): string => `region:${name}`;
