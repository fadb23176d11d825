/**
 * WhisperLive and WhisperLiveKit under the same load and SLO as voxfleet: each peer server is
 * started on a free loopback port with the same tiny.en weights, a single-stream run over every
 * utterance gives its own WER baseline, then 1, 2, 4, 8 ... streams until the SLO breaks.
 * WhisperLive is allowed as many clients as offered (its default of 4 would refuse the rest).
 */
import { join, resolve } from 'node:path';
import { peersInstalled, startPeer, type PeerName } from '../peers/start-peer.js';
import { describePoint, judgePoint, runPoint, type LoadPoint, type StreamSlo } from './ramp.js';

export interface PeerResult {
  readonly single_stream: LoadPoint | null;
  readonly curve: readonly LoadPoint[];
  /** The highest stream count meeting the SLO; 0 if none. */
  readonly max_streams: number;
  readonly error?: string;
}

export function peersAvailable(): boolean {
  return peersInstalled();
}

export async function runPeers(options: {
  manifest: string;
  audioS: number;
  stepS: number;
  slo: StreamSlo;
  maxStreams: number;
  log: (line: string) => void;
}): Promise<Record<string, PeerResult>> {
  const out: Record<string, PeerResult> = {};
  for (const name of ['whisperlivekit', 'whisperlive'] as PeerName[]) {
    out[name] = await runPeer(name, options);
  }
  return out;
}

async function runPeer(name: PeerName, o: Parameters<typeof runPeers>[0]): Promise<PeerResult> {
  const server = await startPeer(name, {
    warmupWav: join(resolve('../shared/audio/dev'), 'jfk.wav'),
    maxClients: o.maxStreams,
    language: 'en',
  });
  const curve: LoadPoint[] = [];
  try {
    const target = { url: server.url, protocol: name, manifest: o.manifest, frameMs: 100 } as const;
    const single = await runPoint(target, 1, o.audioS + 2);
    const baseline = new Map(
      single.turns.filter((t) => t.error === undefined).map((t) => [t.itemId, t]),
    );
    const singlePoint = judgePoint(single, baseline, o.slo);
    curve.push(singlePoint);
    o.log(`${name} 1 stream: ${describePoint(singlePoint)}`);
    let best = singlePoint.pass ? 1 : 0;
    // Always measure 2 and 4 (the curve), go on while the SLO holds.
    for (const n of [2, 4, 8, 12, 16].filter((n) => n <= o.maxStreams)) {
      if (n > 4 && curve.at(-1)?.pass !== true && curve.at(-2)?.pass !== true) break;
      const point = judgePoint(await runPoint(target, n, o.stepS), baseline, o.slo);
      curve.push(point);
      o.log(`${name} ${n} streams: ${describePoint(point)}`);
      if (point.pass) best = n;
    }
    return { single_stream: singlePoint, curve, max_streams: best };
  } catch (err) {
    o.log(`${name}: ${(err as Error).message}\n${server.logs()}`);
    return {
      single_stream: curve[0] ?? null,
      curve,
      max_streams: 0,
      error: (err as Error).message,
    };
  } finally {
    await server.close();
  }
}
