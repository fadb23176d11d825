/**
 * What a streaming final's decode costs three ways, on the same utterances, in one run:
 *
 *   sherpa-onnx   the engine voxfleet serves Whisper with today: OfflineRecognizer, features
 *                 and greedy loop its own (createStream + acceptWaveform + decode, all timed)
 *   ort plain     the same ONNX files on ONNX Runtime with our features and greedy loop
 *                 (src/engines/ort): what replacing the engine alone buys
 *   ort lag N     the same, with a draft: the tokens of a decode of the utterance cut N seconds
 *                 short (what a partial made N s before the end of speech had), checked in one
 *                 decoder call (src/engines/ort/whisper-greedy.ts)
 *
 *   node --import tsx bench/draft-decode.ts [--lags 0.5,1,1.5] [--max-duration 29] [--out FILE]
 *
 * Every dev utterance of at most --max-duration seconds (../shared/audio/dev), whisper-tiny.en
 * (catalog files), tail padding 1000 frames (the streaming passes'), one intra-op thread, one
 * decode at a time. Drafts are made before the timed decodes and are not timed. The order of
 * the ways alternates per utterance. The dev clips end in 0.2-0.5 s of silence, so a lag counts
 * partly silence: lag 0.5 s is closer to "a partial at the end of speech" than it sounds.
 *
 * Prints WER (numbers kept / spelled) with a paired bootstrap of the difference from
 * sherpa-onnx, total and p50/p95 decode time per final, the speed ratio against sherpa-onnx,
 * decoder calls, draft tokens kept, and transcripts identical to ort plain. Writes the JSON to
 * --out (default bench/results/draft-decode.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createWhisperOrtEngine } from '../src/engines/index.js';
import { whisperRecognizerConfig } from '../src/engines/sherpa/whisper-recognizers.js';
import type { WhisperOrtEngine } from '../src/engines/index.js';
import {
  bootstrapWerDelta,
  describeMachine,
  normalizeText,
  readManifest,
  wordErrorRate,
} from '../src/eval/index.js';
import type { ManifestItem } from '../src/eval/index.js';
import { nearestRank } from '../src/eval/report/percentiles.js';
import { printTable } from './print-table.js';

interface SherpaRecognizer {
  createStream(): { acceptWaveform(w: { samples: Float32Array; sampleRate: number }): void };
  decode(stream: ReturnType<SherpaRecognizer['createStream']>): void;
  getResult(stream: ReturnType<SherpaRecognizer['createStream']>): { text: string };
}
interface SherpaModule {
  OfflineRecognizer: new (config: object) => SherpaRecognizer;
  readWave(path: string): { samples: Float32Array; sampleRate: number };
  version: string;
}

interface Decoded {
  readonly ms: number;
  readonly text: string;
  readonly calls?: number;
  readonly draftTokens?: number;
  readonly draftKept?: number;
  readonly sameAsPlain?: boolean;
}

interface UtteranceRow {
  readonly id: string;
  readonly durationS: number;
  readonly ref: string;
  readonly ways: Record<string, Decoded>;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
const SAMPLE_RATE_HZ = 16_000;
const STREAM_TAIL_PADDING = -1; // sherpa-onnx's default, 1000 frames: what stream passes use

function options(): { lags: number[]; maxDurationS: number; out: string; shared: string } {
  const { values } = parseArgs({
    options: {
      lags: { type: 'string', default: '0.5,1,1.5' },
      'max-duration': { type: 'string', default: '29' },
      out: { type: 'string', default: join(repoRoot, 'bench/results/draft-decode.json') },
      shared: { type: 'string', default: resolve(repoRoot, '../shared') },
    },
  });
  return {
    lags: values.lags.split(',').map(Number),
    maxDurationS: Number(values['max-duration']),
    out: resolve(values.out),
    shared: resolve(values.shared),
  };
}

function timedSherpa(recognizer: SherpaRecognizer, samples: Float32Array): Decoded {
  const started = performance.now();
  const stream = recognizer.createStream();
  stream.acceptWaveform({ samples, sampleRate: SAMPLE_RATE_HZ });
  recognizer.decode(stream);
  const text = recognizer.getResult(stream).text.trim();
  return { ms: performance.now() - started, text };
}

async function timedOrt(
  engine: WhisperOrtEngine,
  samples: Float32Array,
  draft?: readonly number[],
): Promise<Decoded & { tokens: readonly number[] }> {
  const started = performance.now();
  const r = await engine.decode(samples, {
    task: 'transcribe',
    pass: 'live_final',
    draft: draft === undefined ? undefined : { tokens: draft },
  });
  return {
    ms: performance.now() - started,
    text: r.text,
    calls: r.decoderCalls,
    draftTokens: draft?.length ?? 0,
    draftKept: r.draftKept,
    tokens: r.draft.tokens,
  };
}

async function decodeAll(
  items: readonly ManifestItem[],
  lags: readonly number[],
  modelDir: string,
): Promise<UtteranceRow[]> {
  const file = (name: string): string => join(modelDir, `tiny.en-${name}`);
  const files = {
    encoderPath: file('encoder.int8.onnx'),
    decoderPath: file('decoder.int8.onnx'),
    tokensPath: file('tokens.txt'),
    numThreads: 1,
  };
  // sherpa-onnx as voxfleet's own sherpa engines configure it.
  const recognizer = new sherpa.OfflineRecognizer(
    whisperRecognizerConfig(files, {
      language: 'en',
      task: 'transcribe',
      tailPaddings: STREAM_TAIL_PADDING,
    }),
  );
  const engine = await createWhisperOrtEngine({
    ...files,
    tailPaddingsFinal: STREAM_TAIL_PADDING,
    tailPaddingsPartial: STREAM_TAIL_PADDING,
  });
  const rows: UtteranceRow[] = [];
  try {
    for (const [index, item] of items.entries()) {
      const samples = sherpa.readWave(item.audioPath).samples;
      const drafts = new Map<number, readonly number[]>();
      for (const lag of lags) {
        const cut = samples.subarray(0, Math.max(1600, samples.length - lag * SAMPLE_RATE_HZ));
        drafts.set(lag, (await timedOrt(engine, cut)).tokens);
      }
      const ways: Record<string, Decoded> = {};
      const order = ['sherpa-onnx', 'ort plain', ...lags.map((l) => `ort lag ${l}`)];
      if (index % 2 === 1) order.reverse();
      let plainTokens: readonly number[] = [];
      const drafted = new Map<string, readonly number[]>();
      for (const way of order) {
        if (way === 'sherpa-onnx') ways[way] = timedSherpa(recognizer, samples);
        else if (way === 'ort plain') {
          const { tokens, ...decoded } = await timedOrt(engine, samples);
          plainTokens = tokens;
          ways[way] = decoded;
        } else {
          const lag = Number(way.slice('ort lag '.length));
          const { tokens, ...decoded } = await timedOrt(engine, samples, drafts.get(lag));
          drafted.set(way, tokens);
          ways[way] = decoded;
        }
      }
      for (const [way, tokens] of drafted) {
        ways[way] = {
          ...ways[way]!,
          sameAsPlain: tokens.join() === plainTokens.join(),
        };
      }
      rows.push({ id: item.id, durationS: samples.length / SAMPLE_RATE_HZ, ref: item.text, ways });
      const line = Object.entries(ways)
        .map(([w, d]) => `${w} ${d.ms.toFixed(0)} ms`)
        .join(', ');
      console.log(`${index + 1}/${items.length} ${item.id}: ${line}`);
    }
  } finally {
    engine.close();
  }
  return rows;
}

function report(rows: readonly UtteranceRow[]): Record<string, unknown>[] {
  const ways = Object.keys(rows[0]?.ways ?? {});
  const counts = (way: string, numbers: 'keep' | 'spell'): { refWords: number; errors: number }[] =>
    rows.map((r) => {
      const score = wordErrorRate(
        normalizeText(r.ref, { numbers }),
        normalizeText(r.ways[way]!.text, { numbers }),
      );
      return { refWords: score.refWords, errors: score.errors };
    });
  const totalMs = (way: string): number => rows.reduce((s, r) => s + r.ways[way]!.ms, 0);
  const sherpaMs = totalMs('sherpa-onnx');
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
  const summaries = ways.map((way) => {
    const sorted = rows.map((r) => r.ways[way]!.ms).sort((a, b) => a - b);
    const decoded = rows.map((r) => r.ways[way]!);
    const wer = (['keep', 'spell'] as const).map((numbers) => {
      const base = counts('sherpa-onnx', numbers);
      const mine = counts(way, numbers);
      return bootstrapWerDelta(
        mine.map((c, i) => ({
          refWords: c.refWords,
          baselineErrors: base[i]!.errors,
          candidateErrors: c.errors,
        })),
        { resamples: 2000, seed: 1, confidence: 0.95 },
      );
    });
    const sum = (f: (d: Decoded) => number | undefined): number =>
      decoded.reduce((s, d) => s + (f(d) ?? 0), 0);
    return {
      way,
      werKept: wer[0]!.candidateWer,
      werSpelled: wer[1]!.candidateWer,
      werDeltaVsSherpa: wer.map((d) => ({ delta: d.delta, ciLow: d.ciLow, ciHigh: d.ciHigh })),
      decodeS: totalMs(way) / 1000,
      speedVsSherpa: sherpaMs / totalMs(way),
      finalMsP50: nearestRank(sorted, 0.5),
      finalMsP95: nearestRank(sorted, 0.95),
      decoderCalls: way === 'sherpa-onnx' ? null : sum((d) => d.calls),
      draftTokens: sum((d) => d.draftTokens),
      draftKept: sum((d) => d.draftKept),
      sameAsPlain: decoded.filter((d) => d.sameAsPlain === true).length,
    };
  });
  const pp = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
  printTable(
    [
      'decode',
      'WER',
      'WER num',
      'ΔWER vs sherpa-onnx, pp (95 % CI), num',
      'decode s',
      'speed vs sherpa-onnx',
      'final ms p50 / p95',
      'decoder calls',
      'draft kept',
      'same as ort plain',
    ],
    summaries.map((s) => {
      const d = s.werDeltaVsSherpa[1]!;
      return [
        s.way,
        pct(s.werKept),
        pct(s.werSpelled),
        s.way === 'sherpa-onnx' ? '' : `${pp(d.delta)} (${pp(d.ciLow)}..${pp(d.ciHigh)})`,
        s.decodeS.toFixed(1),
        `x${s.speedVsSherpa.toFixed(2)}`,
        `${s.finalMsP50.toFixed(0)} / ${s.finalMsP95.toFixed(0)}`,
        s.decoderCalls === null ? '' : String(s.decoderCalls),
        s.draftTokens === 0 ? '' : `${s.draftKept}/${s.draftTokens}`,
        s.way.startsWith('ort lag') ? `${s.sameAsPlain}/${rows.length}` : '',
      ];
    }),
  );
  return summaries;
}

async function main(): Promise<void> {
  const config = options();
  const all = await readManifest(join(config.shared, 'audio/dev/manifest.jsonl'));
  const items = all.filter((i) => (i.durationS ?? Infinity) <= config.maxDurationS);
  const machine = describeMachine();
  const rows = await decodeAll(items, config.lags, join(config.shared, 'models/whisper-tiny.en'));
  const audioS = rows.reduce((s, r) => s + r.durationS, 0);
  console.log(
    `\ndraft-decode: ${rows.length} utterances (${audioS.toFixed(0)} s), whisper-tiny.en int8, tail padding 1000, 1 thread; sherpa-onnx-node ${sherpa.version}; ${JSON.stringify(machine)}`,
  );
  const summary = report(rows);
  mkdirSync(dirname(config.out), { recursive: true });
  writeFileSync(
    config.out,
    `${JSON.stringify(
      {
        bench: 'draft-decode',
        createdAt: new Date().toISOString(),
        model: 'whisper-tiny.en',
        tailPaddingFrames: 1000,
        lagsS: config.lags,
        machine,
        summary,
        utterances: rows,
      },
      null,
      1,
    )}\n`,
  );
  console.log(`wrote ${config.out}`);
}

await main();
