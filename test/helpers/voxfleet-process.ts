/**
 * Runs the built CLI (`bin/voxfleet.js`, dist/) as its own process, as a user would, and waits
 * for the line that says it is ready. A process exit kills what is still running, so a failed
 * test leaves no worker or gateway behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

export interface VoxfleetProcess {
  readonly child: ChildProcess;
  /** The ready line's match. */
  readonly ready: RegExpExecArray;
  /** stderr so far (status lines only: the CLI logs no audio or text). */
  stderr(): string;
  /** stdout so far (the gateway's JSON log lines). */
  stdout(): string;
  /** SIGKILL: the process dies at once, mid-whatever. */
  kill9(): Promise<void>;
  /** SIGTERM (drain), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const BIN = join(REPO_ROOT, 'bin', 'voxfleet.js');

/** How to run it: node arguments up to the script (default the shipped CLI), and extra env. */
export interface Launch {
  readonly entry?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export async function startVoxfleet(
  args: readonly string[],
  readyLine: RegExp,
  timeoutMs = 120_000,
  launch: Launch = {},
): Promise<VoxfleetProcess> {
  const child = spawn(process.execPath, [...(launch.entry ?? [BIN]), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...launch.env },
  });
  let stderr = '';
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      const m = readyLine.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ready: ${stderr}`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    await exited;
    process.removeListener('exit', killOnExit);
    throw err;
  });
  const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
  return {
    child,
    ready,
    stderr: () => stderr,
    stdout: () => stdout,
    async kill9() {
      if (!gone()) child.kill('SIGKILL');
      await exited;
      process.removeListener('exit', killOnExit);
    },
    async stop(graceMs = 10_000) {
      if (!gone()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
    },
  };
}
