/**
 * Starts a real `nats-server` (JetStream on, store in a fresh temp folder) on a free loopback
 * port, the nats.js launcher pattern. The port is chosen by the server itself (`-p -1`) and read
 * back from its ports file, so two test files never race for one port. Callers stop it in a
 * top-level `after`; a process exit kills it too, so a crashed test leaves no server behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface NatsServer {
  readonly url: string;
  readonly storeDir: string;
  stop(): Promise<void>;
}

/**
 * `NATS_SERVER_BIN`, else `nats-server` on the PATH or in /usr/sbin (where Debian installs it,
 * not on every user's PATH); when there is none, scripts/ensure-nats-server.sh installs it, so
 * `npm test` needs nothing installed by hand.
 */
export function natsServerBinary(): string {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = findOnPath();
  if (found !== undefined) return found;
  const script = join(import.meta.dirname, '..', '..', 'scripts', 'ensure-nats-server.sh');
  const install = spawnSync('bash', [script], { stdio: 'inherit' });
  const installed = install.status === 0 ? findOnPath() : undefined;
  if (installed === undefined)
    throw new Error('nats-server is missing and could not be installed: run ' + script);
  return installed;
}

function findOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/local/bin'])) {
    const candidate = join(dir, 'nats-server');
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export async function startNatsServer(
  options: { readyTimeoutMs?: number; jetstream?: boolean } = {},
): Promise<NatsServer> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  const root = mkdtempSync(join(tmpdir(), 'vf-nats-'));
  const storeDir = join(root, 'store');
  const args = ['-a', '127.0.0.1', '-p', '-1', '--ports_file_dir', root];
  // JetStream on unless a test needs a server without it.
  if (options.jetstream !== false) args.push('-js', '-sd', storeDir);
  const child = spawn(natsServerBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    // Keep the tail only: enough to explain a failed start.
    stderr = (stderr + d.toString('utf8')).slice(-4000);
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await killAndWait(child);
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const url = await waitForPortsFile(child, root, readyTimeoutMs, () => stderr);
    return { url, storeDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export async function waitForPortsFile(
  child: ChildProcess,
  dir: string,
  timeoutMs: number,
  stderr: () => string,
): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`nats-server exited (${child.exitCode}): ${stderr()}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.ports'));
    if (file !== undefined) {
      try {
        const ports = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nats?: string[] };
        const url = ports.nats?.[0];
        if (url !== undefined) return url;
      } catch {
        // written but not complete yet: read again on the next turn
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nats-server did not start within ${timeoutMs} ms: ${stderr()}`);
}

export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
