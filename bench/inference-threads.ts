/**
 * Inference threads we own (src/engines/threads) vs sherpa-onnx's decodeAsync on the libuv pool
 * (src/engines/sherpa/whisper-engine.ts), same run, same audio.
 *
 *   node --import tsx bench/inference-threads.ts [--utterances N] [--window-s S]
 *        [--manifest PATH] [--models-dir DIR] [--out FILE]
 *
 * - Audio: N dev utterances of at most 15 s (default 30), evenly spaced through the manifest;
 *   whisper-tiny.en int8, numThreads 1 per decode. Each configuration decodes every utterance
 *   twice: a final pass (tail padding 3000, as `voxfleet serve` finals) and a partial pass (-1).
 *   Recognizers for both passes are loaded and warmed before timing.
 * - Throughput: libuv path with 1 and 2 decodes at once, thread pool with 1, 2 and 3 threads
 *   (one decode per thread at once). `c` lanes each decode one utterance after another; audio
 *   s per wall s = 1 / RTF; latency per decode from the call to its result.
 * - Responsiveness while the decodes run: a probe reads a 4 KB file with fs.promises.readFile
 *   every 25 ms (its latency needs a free libuv thread), and perf_hooks.monitorEventLoopDelay
 *   (10 ms resolution) records event-loop delay. Also a fixed window at 4 decodes at once for
 *   each path: 4 = the libuv pool's default size, i.e. what decode slots = cores does on any
 *   machine with 4 or more cores.
 * - Memory: RSS in a fresh child process per path, after loading and after one decode per pass
 *   per thread (libuv engine vs 2-thread pool).
 * - Writes bench/results/inference-threads.json with machine info and every number printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createWhisperEngine,
  createWhisperThreadEngine,
  type AsrDecodeOptions,
  type FileAsrEngine,
  type WhisperEngineConfig,
} from '../src/engines/index.js';
import { readManifest, type ManifestItem } from '../src/eval/index.js';
import { printTable } from './print-table.js';

const sherpa = createRequire(import.meta.url)('sherpa-onnx-node') as {
  readWave(
    path: string,
    enableExternalBuffer: boolean,
  ): { samples: Float32Array; sampleRate: number };
  version: string;
};

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLE_RATE_HZ = 16000;
const MAX_UTTERANCE_S = 15;
const PROBE_EVERY_MS = 25;
const ELD_RESOLUTION_MS = 10;

interface BenchConfig {
  readonly utterances: number;
  readonly windowS: number;
  readonly manifest: string;
  readonly modelsDir: string;
  readonly out: string;
  readonly memoryProbe: 'libuv' | 'pool2' | undefined;
}

function compileConfig(argv: readonly string[]): BenchConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      utterances: { type: 'string', default: '30' },
      'window-s': { type: 'string', default: '6' },
      manifest: {
        type: 'string',
        default: resolve(repoRoot, '../shared/audio/dev/manifest.jsonl'),
      },
      'models-dir': { type: 'string', default: resolve(repoRoot, '../shared/models') },
      out: { type: 'string', default: join(repoRoot, 'bench/results/inference-threads.json') },
      'memory-probe': { type: 'string' },
    },
    strict: true,
  });
  const utterances = Number(values.utterances);
  if (!Number.isInteger(utterances) || utterances < 1) {
    throw new Error(`'--utterances' must be an integer >= 1 (got ${values.utterances})`);
  }
  const windowS = Number(values['window-s']);
  if (!(windowS > 0)) throw new Error(`'--window-s' must be > 0 (got ${values['window-s']})`);
  const probe = values['memory-probe'];
  if (probe !== undefined && probe !== 'libuv' && probe !== 'pool2') {
    throw new Error(`'--memory-probe' must be libuv or pool2 (got ${probe})`);
  }
  return {
    utterances,
    windowS,
    manifest: resolve(values.manifest),
    modelsDir: resolve(values['models-dir']),
    out: resolve(values.out),
    memoryProbe: probe,
  };
}

function engineConfig(config: BenchConfig): WhisperEngineConfig {
  const file = (name: string): string =>
    join(config.modelsDir, 'whisper-tiny.en', `tiny.en-${name}`);
  return {
    encoderPath: file('encoder.int8.onnx'),
    decoderPath: file('decoder.int8.onnx'),
    tokensPath: file('tokens.txt'),
    multilingual: false,
    tailPaddingsFinal: 3000,
    tailPaddingsPartial: -1,
    numThreads: 1,
    maxRecognizers: 4,
  };
}

// ---- engines ---------------------------------------------------------------------------------

type PathName = 'libuv' | 'threads';

interface Subject {
  readonly path: PathName;
  /** Decodes at once: libuv lanes, or pool threads (one lane per thread). */
  readonly concurrency: number;
}

async function openEngine(config: BenchConfig, subject: Subject): Promise<FileAsrEngine> {
  return subject.path === 'libuv'
    ? createWhisperEngine(engineConfig(config))
    : createWhisperThreadEngine({ ...engineConfig(config), threads: subject.concurrency });
}

async function closeEngine(engine: FileAsrEngine): Promise<void> {
  const threaded = engine as FileAsrEngine & { closeAndWait?: () => Promise<void> };
  if (threaded.closeAndWait !== undefined) await threaded.closeAndWait();
  else engine.close();
}

const PASSES = {
  final: { task: 'transcribe', pass: 'final' },
  partial: { task: 'transcribe', pass: 'partial' },
} as const satisfies Record<string, AsrDecodeOptions>;
type PassName = keyof typeof PASSES;

/** Loads every recognizer a pass needs (one per thread) so that no load is timed. */
async function warm(engine: FileAsrEngine, clip: Float32Array, lanes: number): Promise<void> {
  for (const options of Object.values(PASSES)) {
    await Promise.all(Array.from({ length: lanes }, () => engine.decode(clip.slice(), options)));
  }
}

// ---- measurement -----------------------------------------------------------------------------

interface Utterance {
  readonly id: string;
  readonly samples: Float32Array;
  readonly durationS: number;
}

interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: round1(at(0.5)), p95: round1(at(0.95)), max: round1(at(1)) };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

interface Responsiveness {
  readonly readFileMs: Percentiles & { readonly n: number };
  /** monitorEventLoopDelay at 10 ms resolution: an idle loop reads about 10 ms. */
  readonly eventLoopDelayMs: Percentiles;
}

/** Probes fs.promises.readFile latency and event-loop delay until stopped. */
function startProbe(file: string): { stop: () => Promise<Responsiveness> } {
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  const reads: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      await readFile(file);
      reads.push(performance.now() - started);
      await delay(PROBE_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      eld.disable();
      const ms = (ns: number): number => round1(ns / 1e6);
      return {
        readFileMs: { ...percentiles(reads), n: reads.length },
        eventLoopDelayMs: {
          p50: ms(eld.percentile(50)),
          p95: ms(eld.percentile(95)),
          max: ms(eld.max),
        },
      };
    },
  };
}

interface PassResult extends Subject {
  readonly pass: PassName;
  readonly utterances: number;
  readonly audioS: number;
  readonly wallS: number;
  /** Audio seconds per wall second (1 / RTF). */
  readonly throughput: number;
  readonly latencyMs: Percentiles;
  /** Process CPU time (every thread) per audio second: what a decode costs, whatever else runs. */
  readonly cpuSPerAudioS: number;
  /** 1-minute load average when the pass started (2 cores: above ~2 means other work ran). */
  readonly loadAtStart: number;
  readonly responsiveness: Responsiveness;
  readonly texts: Record<string, string>;
}

async function runPass(
  engine: FileAsrEngine,
  subject: Subject,
  pass: PassName,
  utterances: readonly Utterance[],
  probeFile: string,
): Promise<PassResult> {
  const latencies: number[] = [];
  const texts: Record<string, string> = {};
  let next = 0;
  const loadAtStart = round1(loadavg()[0] ?? NaN);
  const probe = startProbe(probeFile);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: subject.concurrency }, async () => {
      while (next < utterances.length) {
        const u = utterances[next++]!;
        const input = u.samples.slice(); // the thread pool takes (detaches) its input
        const t0 = performance.now();
        const result = await engine.decode(input, PASSES[pass]);
        latencies.push(performance.now() - t0);
        texts[u.id] = result.text;
      }
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const responsiveness = await probe.stop();
  const audioS = utterances.reduce((s, u) => s + u.durationS, 0);
  return {
    ...subject,
    pass,
    utterances: utterances.length,
    audioS: round1(audioS),
    wallS: Math.round(wallS * 100) / 100,
    throughput: Math.round((audioS / wallS) * 100) / 100,
    latencyMs: percentiles(latencies),
    cpuSPerAudioS: Math.round(((cpu.user + cpu.system) / 1e6 / audioS) * 1000) / 1000,
    loadAtStart,
    responsiveness,
    texts,
  };
}

interface WindowResult extends Subject {
  readonly windowS: number;
  readonly decodes: number;
  readonly loadAtStart: number;
  readonly responsiveness: Responsiveness;
}

/** `concurrency` lanes decode (final pass) for a fixed window while the probe runs. */
async function runWindow(
  engine: FileAsrEngine,
  subject: Subject,
  utterances: readonly Utterance[],
  windowS: number,
  probeFile: string,
): Promise<WindowResult> {
  const deadline = performance.now() + windowS * 1000;
  let next = 0;
  let decodes = 0;
  const loadAtStart = round1(loadavg()[0] ?? NaN);
  const probe = startProbe(probeFile);
  await Promise.all(
    Array.from({ length: subject.concurrency }, async () => {
      while (performance.now() < deadline) {
        const u = utterances[next++ % utterances.length]!;
        await engine.decode(u.samples.slice(), PASSES.final);
        decodes++;
      }
    }),
  );
  return { ...subject, windowS, decodes, loadAtStart, responsiveness: await probe.stop() };
}

// ---- memory (child process) ------------------------------------------------------------------

interface MemoryResult {
  readonly path: 'libuv' | 'pool2';
  readonly rssBeforeMb: number;
  readonly rssAfterLoadMb: number;
  /** After one final and one partial decode on every thread (both recognizers loaded). */
  readonly rssAfterWarmMb: number;
}

async function memoryProbe(config: BenchConfig, clip: Float32Array): Promise<MemoryResult> {
  const path = config.memoryProbe!;
  const rssBefore = process.memoryUsage().rss;
  const subject: Subject =
    path === 'libuv' ? { path: 'libuv', concurrency: 2 } : { path: 'threads', concurrency: 2 };
  const engine = await openEngine(config, subject);
  const rssAfterLoad = process.memoryUsage().rss;
  await warm(engine, clip, 2);
  const rssAfterWarm = process.memoryUsage().rss;
  await closeEngine(engine);
  return {
    path,
    rssBeforeMb: mb(rssBefore),
    rssAfterLoadMb: mb(rssAfterLoad),
    rssAfterWarmMb: mb(rssAfterWarm),
  };
}

function measureMemoryInChild(path: 'libuv' | 'pool2', config: BenchConfig): MemoryResult {
  const script = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    [
      ...process.execArgv,
      script,
      '--memory-probe',
      path,
      '--manifest',
      config.manifest,
      '--models-dir',
      config.modelsDir,
    ],
    { encoding: 'utf8' },
  );
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`memory probe ${path} failed (status ${child.status}): ${child.stderr}`);
  }
  return JSON.parse(line) as MemoryResult;
}

// ---- run -------------------------------------------------------------------------------------

function pickUtterances(items: readonly ManifestItem[], n: number): Utterance[] {
  const short = items.filter((i) => (i.durationS ?? Infinity) <= MAX_UTTERANCE_S);
  const step = short.length / Math.min(n, short.length);
  return Array.from({ length: Math.min(n, short.length) }, (_, k) => {
    const item = short[Math.floor(k * step)]!;
    const wave = sherpa.readWave(item.audioPath, false);
    if (wave.sampleRate !== SAMPLE_RATE_HZ) {
      throw new Error(`${item.id}: expected ${SAMPLE_RATE_HZ} Hz audio (got ${wave.sampleRate})`);
    }
    return { id: item.id, samples: wave.samples, durationS: wave.samples.length / SAMPLE_RATE_HZ };
  });
}

function label(s: Subject): string {
  return s.path === 'libuv'
    ? `libuv decodeAsync, ${s.concurrency} at once`
    : `${s.concurrency}-thread pool`;
}

async function main(): Promise<void> {
  const config = compileConfig(process.argv.slice(2));
  const items = await readManifest(config.manifest);
  const utterances = pickUtterances(items, config.utterances);
  const clip = utterances[0]!.samples;

  if (config.memoryProbe !== undefined) {
    console.log(JSON.stringify(await memoryProbe(config, clip)));
    return;
  }

  const probeFile = join(tmpdir(), `voxfleet-bench-probe-${process.pid}.bin`);
  writeFileSync(probeFile, new Uint8Array(4096));
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    availableParallelism: availableParallelism(),
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAvgAtStart: loadavg().map(round1),
    node: process.version,
    sherpaOnnx: sherpa.version,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    shared:
      'measured on a shared 2-core machine with another engineer working: numbers are indicative',
  };
  console.log(
    `${utterances.length} utterances, ${round1(utterances.reduce((s, u) => s + u.durationS, 0))} s audio; ${machine.cpu}, ${machine.cores} cores, load ${machine.loadAvgAtStart.join(' ')}`,
  );

  const idle = startProbe(probeFile);
  await delay(2000);
  const idleResponsiveness = await idle.stop();

  // One libuv engine serves all its runs and stays open to the end: closing an engine drops its
  // recognizers, whose finalizers free ONNX sessions on the main thread (pauses of ~0.7 s seen in
  // a trial run), which would land in the next run's event-loop numbers. Pool threads free their
  // recognizers in their own isolates.
  const libuv = await openEngine(config, { path: 'libuv', concurrency: 4 });
  await warm(libuv, clip, 4);
  const passes: PassResult[] = [];
  const windows: WindowResult[] = [];
  const runBoth = async (engine: FileAsrEngine, subject: Subject): Promise<void> => {
    for (const pass of ['final', 'partial'] as const) {
      const r = await runPass(engine, subject, pass, utterances, probeFile);
      passes.push(r);
      console.log(
        `  ${label(subject)}, ${pass}: ${r.throughput} audio s/s, p50 ${r.latencyMs.p50} ms`,
      );
    }
  };
  // The two paths alternate at each concurrency, so that load from other work on this shared
  // machine lands on both rather than on whichever ran later.
  const withPool = async (threads: number, run: (pool: FileAsrEngine) => Promise<void>) => {
    const pool = await openEngine(config, { path: 'threads', concurrency: threads });
    await warm(pool, clip, threads);
    await run(pool);
    await closeEngine(pool);
  };
  for (const c of [1, 2]) {
    await runBoth(libuv, { path: 'libuv', concurrency: c });
    await withPool(c, (pool) => runBoth(pool, { path: 'threads', concurrency: c }));
  }
  await withPool(3, (pool) => runBoth(pool, { path: 'threads', concurrency: 3 }));
  const libuv4: Subject = { path: 'libuv', concurrency: 4 };
  windows.push(await runWindow(libuv, libuv4, utterances, config.windowS, probeFile));
  await withPool(4, async (pool) => {
    const pool4: Subject = { path: 'threads', concurrency: 4 };
    windows.push(await runWindow(pool, pool4, utterances, config.windowS, probeFile));
  });
  await closeEngine(libuv);

  const memory = [measureMemoryInChild('libuv', config), measureMemoryInChild('pool2', config)];

  // Transcripts must not depend on the path: compare every run with libuv, 1 at once.
  const reference = new Map(
    passes.filter((p) => p.path === 'libuv' && p.concurrency === 1).map((p) => [p.pass, p.texts]),
  );
  const mismatches = passes.map((p) => {
    const ref = reference.get(p.pass) ?? {};
    return Object.keys(p.texts).filter((id) => p.texts[id] !== ref[id]).length;
  });

  console.log('');
  console.log(
    `throughput and latency (whisper-tiny.en int8, ${utterances.length} utterances per pass)`,
  );
  printTable(
    [
      'path',
      'pass',
      'audio s/wall s',
      'p50 ms',
      'p95 ms',
      'CPU s/audio s',
      'readFile p50/p95 ms',
      'loop delay p50/p95 ms',
      'load',
      'texts differ',
    ],
    passes.map((p, k) => [
      label(p),
      p.pass === 'final' ? 'final (tail 3000)' : 'partial (tail -1)',
      p.throughput.toFixed(2),
      String(p.latencyMs.p50),
      String(p.latencyMs.p95),
      p.cpuSPerAudioS.toFixed(3),
      `${p.responsiveness.readFileMs.p50} / ${p.responsiveness.readFileMs.p95}`,
      `${p.responsiveness.eventLoopDelayMs.p50} / ${p.responsiveness.eventLoopDelayMs.p95}`,
      p.loadAtStart.toFixed(1),
      String(mismatches[k]),
    ]),
  );
  console.log('');
  console.log(`responsiveness (final pass, ${config.windowS} s window; idle = no decodes)`);
  printTable(
    ['running', 'decodes done', 'readFile p50/p95/max ms', 'loop delay p50/p95/max ms', 'load'],
    [
      { name: 'idle', decodes: 0, r: idleResponsiveness, load: NaN },
      ...windows.map((w) => ({
        name: label(w),
        decodes: w.decodes,
        r: w.responsiveness,
        load: w.loadAtStart,
      })),
    ].map(({ name, decodes, r, load }) => [
      name,
      String(decodes),
      `${r.readFileMs.p50} / ${r.readFileMs.p95} / ${r.readFileMs.max}`,
      `${r.eventLoopDelayMs.p50} / ${r.eventLoopDelayMs.p95} / ${r.eventLoopDelayMs.max}`,
      Number.isNaN(load) ? '' : load.toFixed(1),
    ]),
  );
  console.log('');
  console.log('memory (fresh process each)');
  printTable(
    ['path', 'RSS before MB', 'after load MB', 'after warm MB'],
    memory.map((m) => [
      m.path === 'libuv' ? 'libuv engine' : '2-thread pool',
      String(m.rssBeforeMb),
      String(m.rssAfterLoadMb),
      String(m.rssAfterWarmMb),
    ]),
  );

  const report = {
    bench: 'inference-threads',
    createdAt: new Date().toISOString(),
    machine,
    model: 'whisper-tiny.en int8, numThreads 1 per decode',
    manifest: relative(repoRoot, config.manifest),
    utterances: utterances.map((u) => ({ id: u.id, durationS: u.durationS })),
    probe: {
      readFileBytes: 4096,
      everyMs: PROBE_EVERY_MS,
      eventLoopResolutionMs: ELD_RESOLUTION_MS,
    },
    idle: idleResponsiveness,
    passes: passes.map((p, k) => ({
      ...p,
      texts: undefined,
      textsDifferFromLibuv1: mismatches[k],
    })),
    windows,
    memory,
  };
  mkdirSync(dirname(config.out), { recursive: true });
  writeFileSync(config.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${relative(repoRoot, config.out)}`);
}

try {
  await main();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
