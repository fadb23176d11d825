/**
 * `npm run bench:streams`: how many real-time streams one worker carries on this machine, and
 * how that compares, in the same run on the same audio and model (whisper-tiny.en), with
 *
 * - the raw engine limit: the model's runtime alone (sherpa-onnx; for 1.2.0 voxfleet's ONNX
 *   Runtime engine, plain greedy on inference threads, no drafts) decoding exactly the work
 *   voxfleet's streaming policy asks for (finals, speculative finals, partials at full
 *   freshness), back to back on every core;
 * - a naive server on the same runtime: no VAD, the whole buffer re-decoded every 500 ms;
 * - WhisperLive and WhisperLiveKit (faster-whisper, the same tiny.en weights), when
 *   `bench/.peers` is set up (`npm run bench:peers:setup`);
 * - voxfleet itself: `voxfleet serve` in a child process, WebSocket streams from this process
 *   at real-time pace, ramped until the SLO breaks; then 2x the capacity offered at once.
 *
 * Writes bench/results/streams.json and prints a table. Options:
 *   --items N      clean dev utterances streamed (default 16, 1-15 s each, evenly spread)
 *   --step-s S     seconds of load per point (default 60)
 *   --max N        highest stream count tried (default 32)
 *   --no-peers     skip WhisperLive / WhisperLiveKit
 *   --only LIST    comma list of parts: raw,naive,voxfleet,overload,peers
 *   --serve-arg A  passed on to `voxfleet serve` (repeatable; an A/B of one setting, e.g.
 *                  --serve-arg=--background-threads --serve-arg=0); recorded as `serve_args`
 *   --keep-previous  parts not run now keep their figures from the existing output file, listed
 *                  under `carried_over` with the time they were measured
 *   --end-silence-ms MS  silence streamed after each utterance (default 0: the client closes the
 *                  stream a moment after the last word); past the 500 ms endpointing, every
 *                  final waits for the endpoint, as a voice assistant's turns do
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeAudioFile, resample } from '../src/core/index.js';
import { createSileroVadEngine } from '../src/engines/index.js';
import { describeCpu, describeMachine } from '../src/eval/index.js';
import { loadBuiltinCatalog, openModelStore } from '../src/registry/index.js';
import { DEFAULT_ASR_SETTINGS, asrSettingsOf } from '../src/worker/index.js';
import {
  DEV_DIR,
  selectBenchItems,
  writeBenchManifest,
  writeSilenceEndedManifest,
} from './streams/bench-items.js';
import { naiveDecodes, policyDecodes } from './streams/decode-lists.js';
import { replayOnEngine } from './streams/raw-replay.js';
import {
  describePoint,
  judgePoint,
  runPoint,
  werOf,
  type LoadPoint,
  type RampTarget,
  type StreamSlo,
} from './streams/ramp.js';
import { peersAvailable, runPeers, type PeerResult } from './streams/peers-run.js';
import { startServeProcess } from './streams/serve-process.js';
import {
  counterDelta,
  scrapeServerCounters,
  type ServerCounters,
} from './streams/server-counters.js';
import type { LoadtestResult } from '../src/eval/index.js';

/** The newest catalog version, pinned: the bench's data folder may hold an older one too. */
const MODEL = `whisper-tiny.en@${loadBuiltinCatalog().get('whisper-tiny.en').version}`;
const SHARED = resolve('../shared');
const SLO: StreamSlo = { finalP95Ms: 800, firstPartialP95Ms: 600, werSlackPts: 1 };
const ENDPOINTING_MS = 500;

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '16' },
    'step-s': { type: 'string', default: '60' },
    max: { type: 'string', default: '32' },
    'no-peers': { type: 'boolean', default: false },
    only: { type: 'string', default: 'raw,naive,voxfleet,overload,peers' },
    out: { type: 'string', default: 'bench/results/streams.json' },
    'keep-previous': { type: 'boolean', default: false },
    'serve-arg': { type: 'string', multiple: true, default: [] },
    // Silence appended to every streamed utterance: > the endpointing, every final waits for it.
    'end-silence-ms': { type: 'string', default: '0' },
  },
});
const parts = new Set(args.only.split(','));
const stepS = Number(args['step-s']);
const maxStreams = Number(args.max);
const machine = describeMachine();
const cores = machine.cores;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const items = selectBenchItems(Number(args.items));
  const endSilenceMs = Number(args['end-silence-ms']);
  const audioS = items.reduce((s, i) => s + i.duration_s, 0);
  log(`${items.length} clean utterances, ${audioS.toFixed(0)} s; ${describeCpu(machine)}`);

  const pcm = await Promise.all(
    items.map(async (i) => {
      const decoded = await decodeAudioFile(new Uint8Array(readFileSync(join(DEV_DIR, i.audio))), {
        maxDurationS: 600,
        maxChannels: 2,
      });
      return (await resample(decoded, 16000)).samples;
    }),
  );
  const manifest =
    endSilenceMs > 0
      ? writeSilenceEndedManifest(items, pcm, endSilenceMs, 'bench-streams')
      : writeBenchManifest(items, 'bench-streams');
  // One pass over the items, as streamed: the single-stream points stream each item once.
  const streamedS = audioS + (items.length * endSilenceMs) / 1000;

  const store = openModelStore(resolve('.data/bench'));
  for (const ref of [MODEL, 'silero-vad'])
    if (store.resolve(ref) === undefined)
      await store.pull(ref, { mirrorDir: join(SHARED, 'models') });
  const installed = await store.loadVerified(MODEL);
  const whisper = installed.engineConfig();
  const vadSpec = (await store.loadVerified('silero-vad')).engineConfig();
  if (whisper.kind !== 'whisper' || vadSpec.kind !== 'silero-vad')
    throw new Error('unexpected model kinds');
  const files = {
    encoder: whisper.config.modelConfig.whisper.encoder,
    decoder: whisper.config.modelConfig.whisper.decoder,
    tokens: whisper.config.modelConfig.tokens,
  };
  const engineDefault = whisper.config.modelConfig.whisper.tailPaddings;
  // What the worker serves: the version's manifest (decode.tailPaddings).
  const paddings = installed.manifest.decode?.tailPaddings;
  // The streaming policy the worker runs this version with (its manifest's segmentation).
  const policy = asrSettingsOf(installed.manifest, DEFAULT_ASR_SETTINGS).streaming;
  const tails = {
    final: paddings?.file ?? engineDefault,
    live_final: paddings?.streamFinal ?? engineDefault,
    partial: paddings?.streamPartial ?? engineDefault,
  };

  const result: Record<string, unknown> = {
    schema: 'voxfleet.bench.streams/1',
    createdAt: new Date().toISOString(),
    machine,
    model: MODEL,
    tail_paddings: tails,
    slo: SLO,
    endpointing_ms: ENDPOINTING_MS,
    end_silence_ms: endSilenceMs,
    serve_args: args['serve-arg'] ?? [],
    items: items.map((i) => i.id),
    audio_s: audioS,
  };

  // ---- raw engine limit and naive baseline: compute only, no server ----
  if (parts.has('raw')) {
    const vad = createSileroVadEngine({ modelPath: vadSpec.config.sileroVad.model });
    const jobs = await policyDecodes(pcm, vad, policy, ENDPOINTING_MS);
    const finalsOnly = jobs.filter((j) => j.pass === 'live_final');
    log(
      `raw: replaying ${jobs.length} policy decodes (${finalsOnly.length} finals) on ${cores} lanes`,
    );
    const all_ = await replayOnEngine(jobs, files, tails, cores, whisper.runtime);
    const fin = await replayOnEngine(finalsOnly, files, tails, cores, whisper.runtime);
    const perCore = (wallMs: number): number => audioS / (wallMs / 1000) / cores;
    result.raw = {
      runtime: whisper.runtime,
      decodes: all_.decodes,
      final_pass_decodes: finalsOnly.length,
      wall_ms: Math.round(all_.wallMs),
      compute_ms_by_pass: all_.computeMsByPass,
      streams_per_core: round(perCore(all_.wallMs)),
      finals_only_streams_per_core: round(perCore(fin.wallMs)),
    };
    result.raw_streams_per_core = round(perCore(all_.wallMs));
    log(
      `raw: ${round(perCore(all_.wallMs))} streams/core with every partial, ${round(perCore(fin.wallMs))} finals only`,
    );
  }
  if (parts.has('naive')) {
    // A third of the items: the naive policy costs an order of magnitude more.
    const subset = pcm.slice(0, Math.max(2, Math.ceil(pcm.length / 3)));
    const subsetS = subset.reduce((s, p) => s + p.length / 16000, 0);
    const jobs = naiveDecodes(subset);
    log(`naive: replaying ${jobs.length} decodes over ${subsetS.toFixed(0)} s`);
    const r = await replayOnEngine(jobs, files, tails, cores, whisper.runtime);
    result.naive = {
      runtime: whisper.runtime,
      decodes: r.decodes,
      audio_s: round(subsetS),
      wall_ms: Math.round(r.wallMs),
    };
    result.naive_streams_per_core = round(subsetS / (r.wallMs / 1000) / cores);
    log(`naive: ${String(result.naive_streams_per_core)} streams/core`);
  }

  // ---- voxfleet over WebSocket from this process to a child server ----
  if (parts.has('voxfleet') || parts.has('overload')) {
    const server = await startServeProcess([
      '--data-dir',
      resolve('.data/bench'),
      '--mirror',
      join(SHARED, 'models'),
      '--models',
      `${MODEL},silero-vad`,
      '--max-streams',
      String(maxStreams * 4),
      ...(args['serve-arg'] ?? []),
    ]);
    try {
      const target: RampTarget = { url: server.url, protocol: 'voxfleet', manifest, frameMs: 100 };
      /** A load point with the server's counters over it. */
      const measure = async (
        n: number,
        seconds: number,
      ): Promise<{ result: LoadtestResult; server: ServerCounters }> => {
        const before = await scrapeServerCounters(server.url);
        const result = await runPoint(target, n, seconds);
        return { result, server: counterDelta(before, await scrapeServerCounters(server.url)) };
      };
      // One stream first, not timed: the first decodes after start allocate (the raw replay
      // warms its recognizers the same way). Without it the 1-stream point read a final p95 of
      // 992 ms, over the SLO, where 2 and 4 streams met it.
      await runPoint(target, 1, 10);
      const single = await measure(1, streamedS + 2);
      const baseline = new Map(
        single.result.turns.filter((t) => t.error === undefined).map((t) => [t.itemId, t]),
      );
      /** A load point judged against the single-stream baseline, with the server's counters. */
      const judged = (m: { result: LoadtestResult; server: ServerCounters }): LoadPoint => ({
        ...judgePoint(m.result, baseline, SLO),
        server: m.server,
      });
      const singlePoint = judged(single);
      log(`voxfleet 1 stream: ${describePoint(singlePoint)}`);
      const curve: LoadPoint[] = [singlePoint];
      let best = singlePoint.pass ? 1 : 0;
      if (parts.has('voxfleet')) {
        for (const n of [2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48].filter(
          (n) => n <= maxStreams,
        )) {
          const point = judged(await measure(n, stepS));
          curve.push(point);
          log(`voxfleet ${n} streams: ${describePoint(point)}`);
          if (point.pass) best = n;
          // The curve goes on past one miss (a p95 over few turns is one slow turn); two in a
          // row, or refusals (admission says full), end it.
          const previous = curve.at(-2);
          if (!point.pass && (point.refused > 0 || previous?.pass === false)) break;
        }
        const at = async (fraction: number): Promise<LoadPoint | null> => {
          const n = Math.max(1, Math.round(best * fraction));
          if (best === 0) return null;
          return curve.find((p) => p.streams === n) ?? judged(await measure(n, stepS));
        };
        const p50 = await at(0.5);
        const p90 = await at(0.9);
        result.voxfleet = { single_stream: singlePoint, curve, max_streams: best };
        result.voxfleet_streams_per_core = round(best / cores);
        result.latency_ms = {
          at_50pct: p50 && {
            streams: p50.streams,
            final: p50.finalMs,
            first_partial: p50.firstPartialMs,
          },
          at_90pct: p90 && {
            streams: p90.streams,
            final: p90.finalMs,
            first_partial: p90.firstPartialMs,
          },
        };
      }
      if (parts.has('overload')) {
        const n = Math.max(2, 2 * Math.max(best, 1));
        const measured = await measure(n, stepS);
        const over = measured.result;
        const point = judged(measured);
        const admitted = over.turns.filter((t) => t.error === undefined);
        const heldSlo =
          (point.finalMs?.p95 ?? Infinity) <= SLO.finalP95Ms &&
          (point.firstPartialMs?.p95 ?? Infinity) <= SLO.firstPartialP95Ms &&
          point.withoutFinal === 0;
        result.overload = {
          offered_streams: n,
          admitted_turns: admitted.length,
          refused_turns: point.refused,
          admitted_slo_held: heldSlo,
          admitted_final_ms: point.finalMs,
          admitted_first_partial_ms: point.firstPartialMs,
          admitted_wer: werOf(admitted),
          refusal_ms: point.refusalMs,
          refusal_p95_ms: point.refusalMs?.p95 ?? null,
          partials_per_audio_s: point.partialsPerAudioS,
          server: point.server,
        };
        log(
          `overload ${n} offered: admitted ${admitted.length}, refused ${point.refused}, SLO held ${heldSlo}, refusal p95 ${point.refusalMs?.p95.toFixed(0) ?? '-'} ms, server loop lag max ${point.server?.eventLoopLagMs.max ?? '-'} ms`,
        );
      }
    } finally {
      await server.stop();
    }
  }

  // ---- peers ----
  if (parts.has('peers') && !args['no-peers']) {
    if (!peersAvailable())
      log('peers: bench/.peers is not set up (npm run bench:peers:setup); skipped');
    else {
      const peers: Record<string, PeerResult> = await runPeers({
        manifest,
        audioS: streamedS,
        stepS,
        slo: SLO,
        maxStreams,
        log,
      });
      result.peers = peers;
    }
  }

  if (args['keep-previous'] && existsSync(args.out)) carryOver(result, args.out);
  result.wer = {
    voxfleet:
      (result.voxfleet as { single_stream?: LoadPoint } | undefined)?.single_stream?.wer ?? null,
    ...Object.fromEntries(
      Object.entries((result.peers ?? {}) as Record<string, PeerResult>).map(([k, v]) => [
        k,
        v.single_stream?.wer ?? null,
      ]),
    ),
  };
  const raw = result.raw_streams_per_core as number | undefined;
  const naive = result.naive_streams_per_core as number | undefined;
  const ours = result.voxfleet_streams_per_core as number | undefined;
  result.ratios = {
    voxfleet_vs_raw: ours !== undefined && raw ? round(ours / raw) : null,
    voxfleet_vs_naive: ours !== undefined && naive ? round(ours / naive) : null,
  };
  mkdirSync(resolve(args.out, '..'), { recursive: true });
  writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
  printTable(result);
  log(`wrote ${args.out}`);
}

/** Copies the fields of parts not measured in this run from an earlier output file. */
function carryOver(result: Record<string, unknown>, path: string): void {
  const previous = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const fields: Record<string, readonly string[]> = {
    raw: ['raw', 'raw_streams_per_core'],
    naive: ['naive', 'naive_streams_per_core'],
    voxfleet: ['voxfleet', 'voxfleet_streams_per_core', 'latency_ms'],
    overload: ['overload'],
    peers: ['peers'],
  };
  const carried: Record<string, unknown> = {};
  for (const [part, keys] of Object.entries(fields)) {
    if (parts.has(part) && !(part === 'peers' && args['no-peers'])) continue;
    if (keys.every((k) => previous[k] === undefined)) continue;
    for (const k of keys) if (previous[k] !== undefined) result[k] = previous[k];
    const before = (previous.carried_over as Record<string, unknown> | undefined)?.[part];
    carried[part] = before ?? previous.createdAt;
  }
  if (Object.keys(carried).length > 0) result.carried_over = carried;
}

function printTable(r: Record<string, unknown>): void {
  const rows: [string, string][] = [
    ['machine', describeCpu(machine)],
    ['raw engine (streams/core)', show(r.raw_streams_per_core)],
    ['naive server (streams/core)', show(r.naive_streams_per_core)],
    ['voxfleet (streams/core)', show(r.voxfleet_streams_per_core)],
    ['voxfleet / raw', show((r.ratios as { voxfleet_vs_raw: unknown }).voxfleet_vs_raw)],
    ['voxfleet / naive', show((r.ratios as { voxfleet_vs_naive: unknown }).voxfleet_vs_naive)],
  ];
  for (const [name, peer] of Object.entries((r.peers ?? {}) as Record<string, PeerResult>))
    rows.push([`${name} (max streams in SLO)`, String(peer.max_streams)]);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}\n`);
}

function show(v: unknown): string {
  return typeof v === 'number' ? String(v) : '-';
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

await main();
