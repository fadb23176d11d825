/**
 * `npm run bench:fabric`: what the NATS fabric costs, against the in-process fabric, measured in
 * one run on one machine.
 *
 * 1. Added latency per audio frame: one stream, 100 ms frames of 16 kHz PCM sent one at a time,
 *    timed from pushAudio to the worker's partial for that frame back at the gateway side;
 *    in-process fabric vs NatsFabric over a local nats-server. The worker is the fabric tests'
 *    FakeWorker (it answers each frame at once), so the numbers are the transport alone.
 * 2. Sessions per gateway process: a real `voxfleet gateway` process (the built CLI) in front of
 *    a fake worker process served over NATS, and N concurrent /v1/listen WebSocket streams from
 *    this process, each sending a 100 ms frame every 100 ms, ramped through `--steps`. Per step:
 *    the gateway's CPU (utime + stime from /proc, % of one core) and RSS, the same for the fake
 *    worker, nats-server and this client, and the per-frame answer latency the clients see
 *    (frame sent to its partial received: the gateway, NATS and back, no inference). A step
 *    passes when the gateway stays under `--cpu-pct` of one core, p99 latency is within
 *    `--bound-ms` and no stream failed. The ramp goes on past one latency miss, to show where
 *    the CPU bound lies too, and stops at the first step over the CPU bound, with a failed
 *    stream or over 1 % of frames unanswered, or at a second latency miss in a row.
 *    Sessions per gateway process: the last step of the run of passing steps from the start.
 *    The machine's busy CPU is recorded too, and what of it no bench process used ("others"):
 *    on a shared machine, other work moves the latency.
 *
 * Writes bench/results/fabric.json and prints tables. Options:
 *   --frames N     frames timed per fabric in part 1 (default 2000, after 100 warm-up frames)
 *   --steps LIST   concurrent streams per step (default 50,100,150,200,250,300,400,500,600,
 *                  800,1000,1200,1600)
 *   --step-s S     measured seconds per step (default 10, after 2 s of warm-up)
 *   --bound-ms MS  p99 per-frame latency bound (default 50)
 *   --cpu-pct P    gateway CPU bound, % of one core (default 80)
 *
 *   npm run build && node --import tsx bench/fabric.ts
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { describeCpu, describeMachine, type MachineInfo } from '../src/eval/index.js';
import { startNatsServer } from '../test/helpers/nats-server.js';
import { startVoxfleet } from '../test/helpers/voxfleet-process.js';
import { measureInProcess, measureNats, type FrameLatency } from './fabric/frame-latency.js';
import { ListenLoad, type WindowStats } from './fabric/listen-load.js';
import {
  cpuPercent,
  findChildPid,
  sampleMachine,
  sampleProcess,
  type ProcSample,
} from './fabric/proc-stats.js';
import { printTable } from './print-table.js';

const { values: args } = parseArgs({
  options: {
    frames: { type: 'string', default: '2000' },
    steps: { type: 'string', default: '50,100,150,200,250,300,400,500,600,800,1000,1200,1600' },
    'step-s': { type: 'string', default: '10' },
    'warmup-s': { type: 'string', default: '2' },
    'bound-ms': { type: 'string', default: '50' },
    'cpu-pct': { type: 'string', default: '80' },
    out: { type: 'string', default: 'bench/results/fabric.json' },
  },
});
const frames = Number(args.frames);
const steps = args.steps.split(',').map(Number);
const stepMs = Number(args['step-s']) * 1000;
const warmupMs = Number(args['warmup-s']) * 1000;
const boundMs = Number(args['bound-ms']);
const cpuBoundPct = Number(args['cpu-pct']);
const FRAME_MS = 100;
const SAMPLE_RATE_HZ = 16000;
/** A frame unanswered this long after its step ended counts as unanswered. */
const GRACE_MS = 1000;
const REGION = 'bench-fabric';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

type ProcName = 'gateway' | 'fake_worker' | 'nats_server' | 'client';
const PROC_NAMES: readonly ProcName[] = ['gateway', 'fake_worker', 'nats_server', 'client'];

interface ProcCost {
  readonly cpu_pct: number;
  readonly rss_mb: number;
}

interface LoadStep extends WindowStats {
  readonly streams: number;
  readonly frames_per_s: number;
  readonly processes: Record<ProcName, ProcCost>;
  /** The whole machine's busy CPU, and the part no bench process used (% of one core). */
  readonly machine_cpu_pct: number;
  readonly other_cpu_pct: number;
  readonly pass: boolean;
  /** Why the step did not pass. */
  readonly missed: string[];
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const loadAverage = loadavg().map(round2);
  log(`${describeCpu(machine)}, node ${machine.node}`);
  const nats = await startNatsServer();
  const natsPid = findChildPid('nats-server');
  try {
    // ---- 1. per-frame latency, fabric alone ----
    const inProcess = await measureInProcess(frames);
    log(`in-process: ${describeLatency(inProcess)}`);
    const overNats = await measureNats(nats.url, 'bench-latency', frames);
    log(`nats:       ${describeLatency(overNats)}`);

    // ---- 2. sessions per gateway process ----
    const worker = await startFakeWorker(nats.url);
    const gateway = await startVoxfleet(
      [
        'gateway',
        ...['--nats', nats.url, '--region', REGION, '--port', '0'],
        ...['--log-level', 'warn', '--no-console'],
      ],
      /listening on (http:\/\/[^,\s]+)/,
    );
    const load = new ListenLoad({
      url: gateway.ready[1]!,
      frameMs: FRAME_MS,
      sampleRateHz: SAMPLE_RATE_HZ,
    });
    const curve: LoadStep[] = [];
    try {
      await waitReady(gateway.ready[1]!);
      const pids: Record<ProcName, number | undefined> = {
        gateway: gateway.child.pid,
        fake_worker: worker.pid,
        nats_server: natsPid,
        client: process.pid,
      };
      for (const n of steps) {
        await load.addStreams(n - load.openStreams, 1000);
        await sleep(warmupMs);
        const before = sampleAll(pids);
        load.startWindow();
        await sleep(stepMs);
        const after = sampleAll(pids);
        const window = await load.endWindow(GRACE_MS);
        const step = judgeStep(n, window, before, after);
        curve.push(step);
        log(describeStep(step));
        // Past the CPU bound, a failed stream, frames left unanswered or two latency misses in a
        // row (the machine is saturated), further steps say nothing more.
        const overCpu = !(step.processes.gateway.cpu_pct < cpuBoundPct);
        const twoMisses = !step.pass && curve.at(-2)?.pass === false;
        if (overCpu || twoMisses || step.stream_failures > 0 || step.latency_ms.p99 === null) break;
      }
    } finally {
      await load.close();
      await gateway.stop();
      await stopChild(worker);
    }
    const missAt = curve.findIndex((s) => !s.pass);
    const best = curve[(missAt === -1 ? curve.length : missAt) - 1];
    const firstMiss = curve[missAt];
    const underCpu = curve.filter(
      (s) => s.processes.gateway.cpu_pct < cpuBoundPct && s.stream_failures === 0,
    );
    const fit = fitGatewayCpu(curve);
    const result = {
      schema: 'voxfleet.bench.fabric/1',
      createdAt: new Date().toISOString(),
      machine,
      load_average_at_start: loadAverage,
      frame_ms: FRAME_MS,
      sample_rate_hz: SAMPLE_RATE_HZ,
      frame_latency: {
        what: 'one stream, frames sent one at a time; pushAudio to the FakeWorker partial back at the gateway side',
        in_process: inProcess,
        nats: overNats,
        nats_added_ms: {
          p50: round3(overNats.p50_ms - inProcess.p50_ms),
          p99: round3(overNats.p99_ms - inProcess.p99_ms),
        },
        ratio_nats_vs_in_process: {
          p50: round2(overNats.p50_ms / inProcess.p50_ms),
          p99: round2(overNats.p99_ms / inProcess.p99_ms),
        },
      },
      gateway_sessions: {
        what: 'voxfleet gateway process over NATS to a FakeWorker process; concurrent /v1/listen streams at real-time pace; latency = frame sent to its partial received, at the client',
        bounds: { gateway_cpu_pct: cpuBoundPct, latency_p99_ms: boundMs },
        step_s: stepMs / 1000,
        warmup_s: warmupMs / 1000,
        sessions_per_gateway: best?.streams ?? 0,
        limited_by: firstMiss === undefined ? 'steps exhausted' : firstMiss.missed.join(', '),
        max_streams_under_cpu_bound: underCpu.at(-1)?.streams ?? 0,
        gateway_cpu_pct_per_100_sessions: fit && round2(fit.slopePct * 100),
        sessions_at_cpu_bound_by_fit:
          fit && Math.floor((cpuBoundPct - fit.interceptPct) / fit.slopePct),
        at_max: best ?? null,
        curve,
        stream_errors: Object.fromEntries(load.errors),
      },
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(result, null, 2) + '\n');
    printResult(result.frame_latency, curve, result.gateway_sessions, machine);
    log(`wrote ${args.out}`);
  } finally {
    await nats.stop();
  }
}

async function startFakeWorker(natsUrl: string): Promise<ChildProcess> {
  const script = join(import.meta.dirname, 'fabric', 'fake-worker-process.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--nats', natsUrl, '--region', REGION, '--id', 'bench-fake'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  process.once('exit', () => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      if (stderr.includes('serving')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`fake worker exited (${code}): ${stderr}`)));
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Waits until the gateway has seen the fake worker. */
async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await fetch(`${url}/readyz`)).ok) {
    if (Date.now() > deadline) throw new Error('the gateway did not see the fake worker in 15 s');
    await sleep(100);
  }
}

type Samples = Partial<Record<ProcName | 'machine', ProcSample>>;

function sampleAll(pids: Record<ProcName, number | undefined>): Samples {
  const out: Samples = { machine: sampleMachine() };
  for (const [name, pid] of Object.entries(pids) as [ProcName, number | undefined][])
    if (pid !== undefined) out[name] = sampleProcess(pid);
  return out;
}

function judgeStep(
  streams: number,
  window: WindowStats,
  before: Samples,
  after: Samples,
): LoadStep {
  const processes = {} as Record<ProcName, ProcCost>;
  for (const name of PROC_NAMES) {
    const b = before[name];
    const a = after[name];
    processes[name] =
      a && b
        ? { cpu_pct: round2(cpuPercent(b, a)), rss_mb: round2(a.rssBytes / 2 ** 20) }
        : { cpu_pct: NaN, rss_mb: NaN };
  }
  const machineCpu = cpuPercent(before.machine!, after.machine!);
  const ours = PROC_NAMES.reduce((sum, name) => sum + (processes[name].cpu_pct || 0), 0);
  const missed: string[] = [];
  if (!(processes.gateway.cpu_pct < cpuBoundPct))
    missed.push(`gateway CPU ${processes.gateway.cpu_pct}% >= ${cpuBoundPct}%`);
  const p99 = window.latency_ms.p99;
  if (p99 === null || p99 > boundMs) missed.push(`p99 ${p99 ?? 'unanswered'} ms > ${boundMs} ms`);
  if (window.stream_failures > 0) missed.push(`${window.stream_failures} streams failed`);
  return {
    streams,
    frames_per_s: round2(window.frames_sent / (stepMs / 1000)),
    ...window,
    processes,
    machine_cpu_pct: round2(machineCpu),
    other_cpu_pct: round2(Math.max(0, machineCpu - ours)),
    pass: missed.length === 0,
    missed,
  };
}

/**
 * Least squares of gateway CPU against streams, over the passing steps: past the latency bound
 * the machine is saturated and the gateway gets less CPU than it asks for.
 */
function fitGatewayCpu(
  curve: readonly LoadStep[],
): { slopePct: number; interceptPct: number } | null {
  const pts = curve
    .filter((s) => s.pass)
    .map((s) => [s.streams, s.processes.gateway.cpu_pct] as const);
  if (pts.length < 2) return null;
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const slopePct = sxy / sxx;
  return { slopePct, interceptPct: my - slopePct * mx };
}

function describeLatency(l: FrameLatency): string {
  return `p50 ${l.p50_ms} ms  p90 ${l.p90_ms} ms  p99 ${l.p99_ms} ms  (${l.frames} frames)`;
}

function describeStep(s: LoadStep): string {
  const p = s.processes;
  return (
    `${s.streams} streams: latency p50 ${s.latency_ms.p50} / p99 ${s.latency_ms.p99 ?? '-'} ms, ` +
    `gateway ${p.gateway.cpu_pct}% CPU ${p.gateway.rss_mb} MB, worker ${p.fake_worker.cpu_pct}%, ` +
    `nats ${p.nats_server.cpu_pct}%, client ${p.client.cpu_pct}%, others ${s.other_cpu_pct}% (send lag p99 ${s.send_lag_ms.p99} ms)` +
    (s.pass ? '' : ` -- missed: ${s.missed.join(', ')}`)
  );
}

function printResult(
  latency: {
    in_process: FrameLatency;
    nats: FrameLatency;
    ratio_nats_vs_in_process: { p50: number; p99: number };
  },
  curve: readonly LoadStep[],
  sessions: {
    sessions_per_gateway: number;
    limited_by: string;
    max_streams_under_cpu_bound: number;
    sessions_at_cpu_bound_by_fit: number | null;
  },
  machine: MachineInfo,
): void {
  console.log(
    `${describeCpu(machine)}, ${round2(machine.memoryBytes / 2 ** 30)} GiB, node ${machine.node}\n`,
  );
  printTable(
    ['per-frame round trip (ms)', 'p50', 'p90', 'p99', 'max'],
    (
      [
        ['in-process fabric', latency.in_process],
        ['NATS fabric', latency.nats],
      ] as const
    ).map(([name, l]) => [name, fmt(l.p50_ms), fmt(l.p90_ms), fmt(l.p99_ms), fmt(l.max_ms)]),
  );
  console.log(
    `NATS / in-process: p50 x${latency.ratio_nats_vs_in_process.p50}, p99 x${latency.ratio_nats_vs_in_process.p99}\n`,
  );
  printTable(
    [
      'streams',
      'frames/s',
      'p50 ms',
      'p99 ms',
      'gateway CPU %',
      'gateway RSS MB',
      'worker CPU %',
      'nats CPU %',
      'client CPU %',
      'others CPU %',
      'pass',
    ],
    curve.map((s) => [
      String(s.streams),
      String(Math.round(s.frames_per_s)),
      String(s.latency_ms.p50),
      String(s.latency_ms.p99 ?? '-'),
      String(Math.round(s.processes.gateway.cpu_pct)),
      String(Math.round(s.processes.gateway.rss_mb)),
      String(Math.round(s.processes.fake_worker.cpu_pct)),
      String(Math.round(s.processes.nats_server.cpu_pct)),
      String(Math.round(s.processes.client.cpu_pct)),
      String(Math.round(s.other_cpu_pct)),
      s.pass ? 'yes' : 'no',
    ]),
  );
  console.log(
    `\nsessions per gateway process (CPU < ${cpuBoundPct}% of a core, p99 <= ${boundMs} ms): ` +
      `${sessions.sessions_per_gateway} (next step: ${sessions.limited_by})`,
  );
  console.log(
    `streams with the gateway under ${cpuBoundPct}% of a core: ${sessions.max_streams_under_cpu_bound} measured, ` +
      `${sessions.sessions_at_cpu_bound_by_fit ?? '-'} by a linear fit of its CPU`,
  );
}

function fmt(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms.toFixed(2);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

await main();
