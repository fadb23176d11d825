/** Who the client is and where it is, as request headers, for gateways that route by tenant. */
export interface CallerOptions {
  /** Sent as `Authorization: Bearer <key>`; needed when the gateway's fleet lists tenants. */
  readonly apiKey?: string;
  /** The region the caller is nearest to (`x-voxfleet-region`); default: the gateway's own. */
  readonly region?: string;
  /**
   * What this caller cares about most (`x-voxfleet-priority`): `latency` (conversational) or
   * `quality` (read-aloud). Rollouts may keep latency callers on a faster old voice.
   */
  readonly priority?: 'latency' | 'quality';
}

export function callerHeaders(options: CallerOptions): Record<string, string> {
  return {
    ...(options.apiKey !== undefined ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...(options.region !== undefined ? { 'x-voxfleet-region': options.region } : {}),
    ...(options.priority !== undefined ? { 'x-voxfleet-priority': options.priority } : {}),
  };
}
