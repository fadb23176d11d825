/** Placeholder until the peer adapters land: reports peers as unavailable. */
import type { LoadPoint, StreamSlo } from './ramp.js';

export interface PeerResult {
  readonly single_stream: LoadPoint | null;
  readonly curve: readonly LoadPoint[];
  readonly max_streams: number;
}

export function peersAvailable(): boolean {
  return false;
}

export async function runPeers(_options: {
  manifest: string;
  audioS: number;
  stepS: number;
  slo: StreamSlo;
  log: (line: string) => void;
}): Promise<Record<string, PeerResult>> {
  return {};
}
