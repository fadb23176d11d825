/**
 * Starts a real peer streaming-Whisper server (WhisperLive or WhisperLiveKit, installed by
 * bench/peers/setup.sh into bench/.peers) on a free loopback port with Whisper tiny.en, waits
 * until it accepts connections, and stops it again: the launcher pattern of nats.js's tests.
 * Callers stop it in a top-level `after`, which runs even when a test fails; a process exit
 * kills it too.
 *
 *   const peer = await startPeer('whisperlivekit', { warmupWav });
 *   // voxfleet loadtest --protocol whisperlivekit --target peer.url ...
 *   await peer.close();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PeerName = 'whisperlive' | 'whisperlivekit';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PEERS_DIR = process.env.VOXFLEET_PEERS_DIR ?? resolve(HERE, '..', '.peers');
const PYTHON = join(PEERS_DIR, 'venv', 'bin', 'python');
const LAUNCHERS: Readonly<Record<PeerName, string>> = {
  whisperlive: join(HERE, 'whisperlive_server.py'),
  whisperlivekit: join(HERE, 'whisperlivekit_server.py'),
};
/** Lines of server output kept for diagnostics. */
const LOG_LINES = 200;

export interface PeerServer {
  readonly name: PeerName;
  /** http://127.0.0.1:PORT, as `--target`. */
  readonly url: string;
  readonly port: number;
  /** The last lines the server printed. */
  logs(): string;
  /** Stops the server (SIGTERM, then SIGKILL after `graceMs`); resolves once it has exited. */
  close(graceMs?: number): Promise<void>;
}

export interface StartPeerOptions {
  /** A local 16 kHz WAV: WhisperLiveKit transcribes it at start so nothing is downloaded. */
  readonly warmupWav: string;
  /** WhisperLive: sessions served at once; more get WAIT (default 4, WhisperLive's own). */
  readonly maxClients?: number;
  readonly language?: string;
  /** How long the server may take to accept connections (ms). */
  readonly readyTimeoutMs?: number;
}

/** True when setup.sh finished here: the venv and the tiny.en model folder are in place. */
export function peersInstalled(dir = PEERS_DIR): boolean {
  return (
    existsSync(join(dir, '.setup-stamp')) &&
    existsSync(join(dir, 'venv', 'bin', 'python')) &&
    existsSync(join(dir, 'tiny.en', 'model.bin'))
  );
}

/** Runs bench/peers/setup.sh (output to stderr) and returns how long it took (ms). */
export function setUpPeers(): number {
  const t0 = performance.now();
  const r = spawnSync('bash', [join(HERE, 'setup.sh')], {
    stdio: ['ignore', process.stderr, process.stderr],
    env: { ...process.env, VOXFLEET_PEERS_DIR: PEERS_DIR },
  });
  if (r.status !== 0) throw new Error(`bench/peers/setup.sh failed (exit ${r.status})`);
  return performance.now() - t0;
}

/** The folder of Whisper tiny.en in CTranslate2 format that setup.sh recorded. */
export function tinyEnModelDir(dir = PEERS_DIR): string {
  return readFileSync(join(dir, 'tiny-en-ct2.path'), 'utf8').trim();
}

export async function startPeer(name: PeerName, options: StartPeerOptions): Promise<PeerServer> {
  if (!peersInstalled()) throw new Error(`peers not installed in ${PEERS_DIR}: run setup.sh`);
  const port = await freeLoopbackPort();
  const args = [LAUNCHERS[name], '--host', '127.0.0.1', '--port', String(port)];
  args.push('--model-dir', tinyEnModelDir());
  if (name === 'whisperlive') args.push('--max-clients', String(options.maxClients ?? 4));
  else args.push('--warmup-file', options.warmupWav, '--language', options.language ?? 'en');
  const child = spawn(PYTHON, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HF_HUB_OFFLINE: '1', PYTHONUNBUFFERED: '1' },
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer): void => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - LOG_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const server: PeerServer = {
    name,
    url: `http://127.0.0.1:${port}`,
    port,
    logs: () => lines.join('\n'),
    close: async (graceMs = 10_000) => {
      process.off('exit', killOnExit);
      await stopChild(child, exited, graceMs);
    },
  };
  try {
    await waitUntilListening(port, child, options.readyTimeoutMs ?? 180_000);
  } catch (err) {
    await server.close(2000);
    throw new Error(`${name} did not start: ${(err as Error).message}\n${server.logs()}`, {
      cause: err,
    });
  }
  return server;
}

async function stopChild(child: ChildProcess, exited: Promise<void>, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), graceMs)));
  if ((await Promise.race([exited, late])) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** A port nothing listens on now, from the OS (bound on 127.0.0.1 and released). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr !== null
          ? resolvePort(addr.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Polls a TCP connect until it succeeds, the process exits, or the time is up. */
async function waitUntilListening(port: number, child: ChildProcess, timeoutMs: number) {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`not listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      r(true);
    });
    socket.once('error', () => r(false));
  });
}
