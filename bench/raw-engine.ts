/**
 * Raw-engine baseline: whisper straight through `sherpa-onnx-node`, no voxfleet code on the
 * decode path, so other paths (engine adapter, worker, gateway, fleet) can be compared with it.
 *
 *   node --import tsx bench/raw-engine.ts [--model whisper-tiny.en|whisper-base]
 *        [--tail-paddings N] [--manifest PATH] [--models-dir DIR] [--out FILE]
 *
 * - One recognizer (config from ../shared/models/MODELS.md), 1 thread, CPU; files decoded one at
 *   a time, in manifest order, each as one stream.
 * - Files over 29 s are cut with silero VAD (`sherpa.Vad`, the MODELS.md config): cut points sit
 *   in the middle of the longest-reaching silence gap so that every chunk is at most 29 s; no
 *   audio is dropped. Each chunk is decoded on its own and the texts are joined with a space.
 *   The VAD time counts in that file's decode time.
 * - Decode time per file: from creating the stream to reading the result (plus VAD, above).
 *   RTF = total decode time / total audio time.
 * - WER "plain" (numbers kept) and "num" (numbers spelled on both sides) per tag slice, from
 *   src/eval (total errors / total reference words).
 * - Writes bench/results/raw-engine-<model>.json (with a `-tp<N>` suffix when --tail-paddings is
 *   not -1): engine config, timings, slices and every hypothesis.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { normalizeText, readManifest, scoreBySlice } from '../src/eval/index.js';
import type { CorpusWordErrorRate, ManifestItem, SliceScore } from '../src/eval/index.js';
import { printTable } from './print-table.js';

// ---- the slice of sherpa-onnx-node (CommonJS, untyped) this script uses ----------------------

interface Wave {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}
interface OfflineStream {
  acceptWaveform(wave: Wave): void;
}
interface OfflineRecognizerResult {
  readonly text: string;
}
interface OfflineRecognizer {
  createStream(): OfflineStream;
  decode(stream: OfflineStream): void;
  getResult(stream: OfflineStream): OfflineRecognizerResult;
}
interface OfflineRecognizerConfig {
  readonly featConfig: { readonly sampleRate: number; readonly featureDim: number };
  readonly modelConfig: {
    readonly whisper: {
      readonly encoder: string;
      readonly decoder: string;
      readonly language: string;
      readonly task: 'transcribe' | 'translate';
      readonly tailPaddings: number;
    };
    readonly tokens: string;
    readonly numThreads: number;
    readonly provider: 'cpu';
    readonly debug: number;
  };
}
interface VadConfig {
  readonly sileroVad: {
    readonly model: string;
    readonly threshold: number;
    readonly minSpeechDuration: number;
    readonly minSilenceDuration: number;
    readonly windowSize: number;
    readonly maxSpeechDuration: number;
  };
  readonly sampleRate: number;
  readonly numThreads: number;
  readonly debug: boolean;
}
interface VadSegment {
  /** First sample of the segment in the fed audio. */
  readonly start: number;
  readonly samples: Float32Array;
}
interface Vad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  front(enableExternalBuffer?: boolean): VadSegment;
  pop(): void;
  flush(): void;
  reset(): void;
}
interface SherpaModule {
  readonly OfflineRecognizer: new (config: OfflineRecognizerConfig) => OfflineRecognizer;
  readonly Vad: new (config: VadConfig, bufferSizeInSeconds: number) => Vad;
  readWave(path: string): Wave;
  readonly version: string;
}

const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;

// ---- options ---------------------------------------------------------------------------------

const MODELS = {
  'whisper-tiny.en': { dir: 'whisper-tiny.en', prefix: 'tiny.en' },
  'whisper-base': { dir: 'whisper-base', prefix: 'base' },
} as const;
type ModelName = keyof typeof MODELS;

const SAMPLE_RATE_HZ = 16000;
/** Longest chunk handed to whisper, in seconds (its window is 30 s). */
const MAX_CHUNK_S = 29;
/** Samples fed to silero VAD per call (its window). */
const VAD_WINDOW_SAMPLES = 512;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface BenchConfig {
  readonly model: ModelName;
  readonly tailPaddings: number;
  readonly manifest: string;
  readonly modelsDir: string;
  readonly out: string;
}

function isModelName(value: string): value is ModelName {
  return Object.hasOwn(MODELS, value);
}

function compileConfig(argv: readonly string[]): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      model: { type: 'string', default: 'whisper-tiny.en' },
      'tail-paddings': { type: 'string', default: '-1' },
      manifest: {
        type: 'string',
        default: resolve(repoRoot, '../shared/audio/dev/manifest.jsonl'),
      },
      'models-dir': { type: 'string', default: resolve(repoRoot, '../shared/models') },
      out: { type: 'string' },
    },
    strict: true,
  });
  const model = values.model;
  if (!isModelName(model)) {
    throw new Error(`'--model' must be one of ${Object.keys(MODELS).join(', ')} (got ${model})`);
  }
  const tailPaddings = Number(values['tail-paddings']);
  if (!Number.isInteger(tailPaddings)) {
    throw new Error(`'--tail-paddings' must be an integer (got ${values['tail-paddings']})`);
  }
  const suffix = tailPaddings === -1 ? '' : `-tp${tailPaddings}`;
  return {
    model,
    tailPaddings,
    manifest: resolve(values.manifest),
    modelsDir: resolve(values['models-dir']),
    out: resolve(
      values.out ?? join(repoRoot, 'bench/results', `raw-engine-${model}${suffix}.json`),
    ),
  };
}

function recognizerConfig(config: BenchConfig): OfflineRecognizerConfig {
  const { dir, prefix } = MODELS[config.model];
  const file = (name: string): string => join(config.modelsDir, dir, `${prefix}-${name}`);
  return {
    featConfig: { sampleRate: SAMPLE_RATE_HZ, featureDim: 80 },
    modelConfig: {
      whisper: {
        encoder: file('encoder.int8.onnx'),
        decoder: file('decoder.int8.onnx'),
        language: 'en',
        task: 'transcribe',
        tailPaddings: config.tailPaddings,
      },
      tokens: file('tokens.txt'),
      numThreads: 1,
      provider: 'cpu',
      debug: 0,
    },
  };
}

function vadConfig(config: BenchConfig): VadConfig {
  return {
    sileroVad: {
      model: join(config.modelsDir, 'silero-vad/silero_vad.onnx'),
      threshold: 0.5,
      minSpeechDuration: 0.25,
      minSilenceDuration: 0.5,
      windowSize: VAD_WINDOW_SAMPLES,
      maxSpeechDuration: 20,
    },
    sampleRate: SAMPLE_RATE_HZ,
    numThreads: 1,
    debug: false,
  };
}

// ---- cutting long files ----------------------------------------------------------------------

/** Chunk boundaries (sample offsets, first 0, last `total`) with every chunk <= maxSamples. */
function planChunks(
  speech: readonly (readonly [number, number])[],
  total: number,
  maxSamples: number,
): number[] {
  const gapMiddles: number[] = [];
  for (let k = 1; k < speech.length; k++) {
    gapMiddles.push(Math.round((speech[k - 1]![1] + speech[k]![0]) / 2));
  }
  const bounds = [0];
  let start = 0;
  while (total - start > maxSamples) {
    const reachable = gapMiddles.filter((c) => c > start && c <= start + maxSamples);
    const cut = reachable.length > 0 ? reachable[reachable.length - 1]! : start + maxSamples;
    bounds.push(cut);
    start = cut;
  }
  bounds.push(total);
  return bounds;
}

function speechSegments(vad: Vad, samples: Float32Array): [number, number][] {
  vad.reset();
  const segments: [number, number][] = [];
  const drain = (): void => {
    while (!vad.isEmpty()) {
      const seg = vad.front(false);
      segments.push([seg.start, seg.start + seg.samples.length]);
      vad.pop();
    }
  };
  for (let i = 0; i + VAD_WINDOW_SAMPLES <= samples.length; i += VAD_WINDOW_SAMPLES) {
    vad.acceptWaveform(samples.subarray(i, i + VAD_WINDOW_SAMPLES));
    drain();
  }
  vad.flush();
  drain();
  return segments;
}

// ---- run -------------------------------------------------------------------------------------

interface UtteranceResult {
  readonly id: string;
  readonly hyp: string;
  readonly decodeMs: number;
  readonly durationS: number;
  readonly chunks: number;
}

function decodeFile(recognizer: OfflineRecognizer, vad: Vad, item: ManifestItem): UtteranceResult {
  const wave = sherpa.readWave(item.audioPath);
  if (wave.sampleRate !== SAMPLE_RATE_HZ) {
    throw new Error(`${item.id}: expected ${SAMPLE_RATE_HZ} Hz audio (got ${wave.sampleRate})`);
  }
  const maxSamples = MAX_CHUNK_S * SAMPLE_RATE_HZ;
  const started = performance.now();
  const bounds =
    wave.samples.length > maxSamples
      ? planChunks(speechSegments(vad, wave.samples), wave.samples.length, maxSamples)
      : [0, wave.samples.length];
  const texts: string[] = [];
  for (let k = 1; k < bounds.length; k++) {
    const from = bounds[k - 1] ?? 0;
    const to = bounds[k] ?? wave.samples.length;
    const stream = recognizer.createStream();
    stream.acceptWaveform({ samples: wave.samples.subarray(from, to), sampleRate: SAMPLE_RATE_HZ });
    recognizer.decode(stream);
    texts.push(recognizer.getResult(stream).text.trim());
  }
  const decodeMs = performance.now() - started;
  return {
    id: item.id,
    hyp: texts.filter((t) => t !== '').join(' '),
    decodeMs: Math.round(decodeMs * 10) / 10,
    durationS: wave.samples.length / SAMPLE_RATE_HZ,
    chunks: bounds.length - 1,
  };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

function printSlices(
  plain: readonly SliceScore<CorpusWordErrorRate>[],
  num: readonly SliceScore<CorpusWordErrorRate>[],
): void {
  const rows = plain.map((p, k) => {
    const n = num[k]!;
    return [
      p.slice,
      String(p.utterances),
      String(p.refWords),
      pct(p.wer),
      String(n.refWords),
      pct(n.wer),
    ];
  });
  printTable(['slice', 'utts', 'ref words', 'WER plain', 'ref words (num)', 'WER num'], rows);
}

async function main(): Promise<void> {
  const config = compileConfig(process.argv.slice(2));
  const items = await readManifest(config.manifest);

  const loadStarted = performance.now();
  const recognizer = new sherpa.OfflineRecognizer(recognizerConfig(config));
  const loadMs = performance.now() - loadStarted;
  const vad = new sherpa.Vad(vadConfig(config), 120);
  const rssAfterLoad = process.memoryUsage().rss;

  const results: UtteranceResult[] = [];
  for (const item of items) results.push(decodeFile(recognizer, vad, item));

  const byId = new Map(results.map((r) => [r.id, r]));
  const sliceItems = items.map((item) => ({
    id: item.id,
    tags: item.tags,
    ref: item.text,
    hyp: byId.get(item.id)!.hyp,
  }));
  const plain = scoreBySlice(sliceItems, {
    normalize: (t) => normalizeText(t, { numbers: 'keep' }),
  });
  const num = scoreBySlice(sliceItems, {
    normalize: (t) => normalizeText(t, { numbers: 'spell' }),
  });

  const audioS = results.reduce((s, r) => s + r.durationS, 0);
  const decodeMs = results.reduce((s, r) => s + r.decodeMs, 0);
  const rtf = decodeMs / 1000 / audioS;
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;

  console.log(
    `raw engine: ${config.model}, tailPaddings ${config.tailPaddings}, 1 thread, sherpa-onnx-node ${sherpa.version}`,
  );
  console.log(
    `${items.length} files, ${audioS.toFixed(1)} s audio; load ${Math.round(loadMs)} ms; RTF ${rtf.toFixed(3)}; RSS after load ${mb(rssAfterLoad)} MB, peak ${mb(peakRssBytes)} MB`,
  );
  printSlices(plain.slices, num.slices);

  const report = {
    bench: 'raw-engine',
    model: config.model,
    engine: {
      runtime: 'sherpa-onnx-node',
      version: sherpa.version,
      numThreads: 1,
      provider: 'cpu',
      language: 'en',
      task: 'transcribe',
      tailPaddings: config.tailPaddings,
      longFiles: `cut with silero VAD into chunks of at most ${MAX_CHUNK_S} s`,
    },
    /** Relative to the repository root. */
    manifest: relative(repoRoot, config.manifest),
    createdAt: new Date().toISOString(),
    files: items.length,
    audioS: Math.round(audioS * 1000) / 1000,
    loadMs: Math.round(loadMs),
    decodeMs: Math.round(decodeMs),
    rtf: Math.round(rtf * 10000) / 10000,
    rssMb: { afterLoad: mb(rssAfterLoad), peak: mb(peakRssBytes) },
    wer: { plain: plain.slices, num: num.slices },
    utterances: results.map((r, k) => ({
      ...r,
      plain: { refWords: plain.items[k]!.result.refWords, errors: plain.items[k]!.result.errors },
      num: { refWords: num.items[k]!.result.refWords, errors: num.items[k]!.result.errors },
    })),
  };
  mkdirSync(dirname(config.out), { recursive: true });
  writeFileSync(config.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${config.out}`);
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
