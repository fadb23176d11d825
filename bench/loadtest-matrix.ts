/**
 * `npm run bench:loadtest-matrix`: `voxfleet loadtest` summaries for voxfleet, WhisperLive and
 * WhisperLiveKit at 1, 4 and 16 concurrent real-time streams on this machine, same audio, same
 * client, speech timed on the audio sent (`--speech-times client`). Writes
 * bench/results/loadtest-matrix.json and prints one row per (system, streams).
 *   --duration-s S   seconds of load per run (default 40)     --streams LIST (default 1,4,16)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compileLoadtestConfig, describeMachine, runLoadtest } from '../src/eval/index.js';
import { peersInstalled, startPeer, type PeerName } from './peers/start-peer.js';
import { DEV_DIR, selectBenchItems, writeBenchManifest } from './streams/bench-items.js';
import { startServeProcess } from './streams/serve-process.js';

const { values: args } = parseArgs({
  options: {
    'duration-s': { type: 'string', default: '40' },
    streams: { type: 'string', default: '1,4,16' },
    out: { type: 'string', default: 'bench/results/loadtest-matrix.json' },
  },
});
const counts = args.streams.split(',').map(Number);

const items = selectBenchItems(16);
const manifest = writeBenchManifest(items, 'loadtest-matrix');

const rows: Record<string, unknown>[] = [];
async function measure(system: string, url: string, protocol: string): Promise<void> {
  for (const streams of counts) {
    const config = compileLoadtestConfig({
      target: url,
      manifest,
      streams,
      rampS: Math.min(5, streams),
      durationS: Number(args['duration-s']),
      drainS: 30,
      mode: 'stream',
      protocol,
      speechTimes: 'client',
    });
    const r = await runLoadtest(config);
    const s = r.summary;
    const row = {
      system,
      streams,
      turns: s.turns,
      completed: s.completed,
      refused: s.refused,
      errors: s.errorsByCode,
      final_ms: s.finalMs,
      first_partial_ms: s.firstPartialMs,
      churn: s.churn,
      wer: s.wer,
      cut_off: r.cutOff,
    };
    rows.push(row);
    const p = (x: { p50: number; p95: number } | null): string =>
      x ? `${x.p50.toFixed(0)}/${x.p95.toFixed(0)}` : '-';
    process.stdout.write(
      `${system.padEnd(15)} ${String(streams).padStart(3)} streams: turns ${s.completed}/${s.turns}, refused ${s.refused}, ` +
        `final p50/p95 ${p(s.finalMs)} ms, first partial ${p(s.firstPartialMs)} ms, WER ${s.wer === null ? '-' : (s.wer * 100).toFixed(1)} %, churn ${s.churn?.toFixed(2) ?? '-'}\n`,
    );
  }
}

const server = await startServeProcess([
  '--data-dir',
  resolve('.data/bench'),
  '--mirror',
  resolve('../shared/models'),
  '--models',
  'whisper-tiny.en,silero-vad',
]);
try {
  await measure('voxfleet', server.url, 'voxfleet');
} finally {
  await server.stop();
}
if (peersInstalled()) {
  for (const name of ['whisperlivekit', 'whisperlive'] as PeerName[]) {
    const peer = await startPeer(name, {
      warmupWav: join(DEV_DIR, 'jfk.wav'),
      maxClients: Math.max(...counts),
      language: 'en',
    });
    try {
      await measure(name, peer.url, name);
    } finally {
      await peer.close();
    }
  }
}
mkdirSync(resolve(args.out, '..'), { recursive: true });
writeFileSync(
  args.out,
  JSON.stringify(
    {
      schema: 'voxfleet.bench.loadtest-matrix/1',
      createdAt: new Date().toISOString(),
      machine: describeMachine(),
      items: items.map((i) => i.id),
      rows,
    },
    null,
    2,
  ) + '\n',
);
process.stdout.write(`wrote ${args.out}\n`);
