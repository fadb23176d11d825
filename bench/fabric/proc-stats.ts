/**
 * CPU time and resident memory of a process, read from /proc (Linux): what the gateway, the
 * fake worker, nats-server and the load client each cost over a load step.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcSample {
  /** User + system CPU time so far (ms). */
  readonly cpuMs: number;
  readonly rssBytes: number;
  /** When the sample was taken (performance.now(), ms). */
  readonly atMs: number;
}

/** Clock ticks per second for /proc's times (almost always 100). */
const TICKS_PER_S = readClockTicks();

function readClockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

export function sampleProcess(pid: number): ProcSample {
  const atMs = performance.now();
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3 (state) on:
  // utime is field 14, stime field 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return { cpuMs: (ticks * 1000) / TICKS_PER_S, rssBytes: rssKb * 1024, atMs };
}

/** CPU used between two samples, as % of one core. */
export function cpuPercent(before: ProcSample, after: ProcSample): number {
  return (100 * (after.cpuMs - before.cpuMs)) / (after.atMs - before.atMs);
}

/** The pid of this process's child running `command` (e.g. nats-server), if there is one. */
export function findChildPid(command: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === command && ppid === process.pid) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return undefined;
}

/** CPU time the whole machine has spent busy so far (ms, all cores summed), from /proc/stat. */
export function sampleMachine(): ProcSample {
  const atMs = performance.now();
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu  user nice system idle iowait irq softirq steal ...
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const busy = ticks.reduce((s, t) => s + t, 0) - idle;
  return { cpuMs: (busy * 1000) / TICKS_PER_S, rssBytes: NaN, atMs };
}
