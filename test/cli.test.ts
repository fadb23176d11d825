/**
 * The package as shipped: the built CLI in dist/ (through bin/voxfleet.js), run as a user runs
 * it, against a real server and a real HTTP model registry.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEV_AUDIO, MODELS_MIRROR, REPO_ROOT } from './helpers/paths.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'voxfleet.js');
const jfk = join(DEV_AUDIO, 'jfk.wav');

let server: TestServer;
let registry: Server;
let registryUrl = '';
const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-cli-'));

before(async () => {
  server = await startTestServer({
    models: ['whisper-tiny.en', 'piper-en-us-joe-medium', 'silero-vad'],
  });
  // A registry host laid out as <url>/<name>/<version>/<path>, serving the mirror's files.
  registry = createServer((req, res) => {
    const m = /^\/([^/]+)\/[^/]+\/(.+)$/.exec(req.url ?? '');
    try {
      if (!m) throw new Error('bad path');
      res.end(readFileSync(join(MODELS_MIRROR, m[1]!, decodeURIComponent(m[2]!))));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
  const addr = registry.address();
  registryUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(async () => {
  await server?.close();
  registry?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], {
    env: { ...process.env, VOXFLEET_MODEL_MIRROR: '' },
    maxBuffer: 8 << 20,
  });
}

test('--help lists every command; each command has its own help', async () => {
  const { stdout } = await cli('--help');
  for (const c of ['serve', 'models', 'transcribe', 'synthesize'])
    assert.match(stdout, new RegExp(`\\b${c}\\b`));
  const serve = await cli('serve', '--help');
  assert.match(serve.stdout, /--port/);
  assert.match(serve.stdout, /VOXFLEET_MODEL_MIRROR/);
});

test('models pull over HTTP, list, verify, detect a flipped byte, rm', async () => {
  const dataDir = join(scratch, 'data');
  const pulled = await cli(
    'models',
    'pull',
    'silero-vad',
    '--data-dir',
    dataDir,
    '--registry-url',
    registryUrl,
  );
  assert.match(pulled.stdout, /silero-vad@1\.0\.0: installed/);
  const listed = await cli('models', 'list', '--data-dir', dataDir, '--json');
  const rows = JSON.parse(listed.stdout) as { name: string; installed: boolean }[];
  assert.ok(rows.some((r) => r.name === 'silero-vad' && r.installed));
  assert.ok(rows.some((r) => r.name === 'whisper-base' && !r.installed));
  assert.match(
    (await cli('models', 'verify', '--data-dir', dataDir)).stdout,
    /silero-vad@1\.0\.0: ok/,
  );

  const file = join(dataDir, 'models', 'silero-vad', '1.0.0', 'silero_vad.onnx');
  const bytes = readFileSync(file);
  bytes[1000] = (bytes[1000]! + 1) % 256;
  writeFileSync(file, bytes);
  await assert.rejects(
    cli('models', 'verify', '--data-dir', dataDir),
    (err: { code: number; stdout: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stdout, /FAILED/);
      return true;
    },
  );
  assert.match(
    (await cli('models', 'rm', 'silero-vad', '--data-dir', dataDir)).stdout,
    /removed silero-vad@1\.0\.0/,
  );
});

test('models pull of an unknown name fails with its code and the known names', async () => {
  await assert.rejects(
    cli('models', 'pull', 'whisper-huge', '--data-dir', join(scratch, 'd2')),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /MODEL_NOT_FOUND/);
      assert.match(err.stderr, /whisper-tiny\.en/);
      return true;
    },
  );
});

test('models pull from a registry that cannot be reached retries, then fails with its code', async () => {
  // A port nothing listens on: every attempt is refused, and the back-off between attempts is
  // the only thing the command waits on (it once ended the process with status 0, silently).
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const addr = closed.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(
    cli(
      'models',
      'pull',
      'silero-vad',
      '--data-dir',
      join(scratch, 'd3'),
      '--registry-url',
      `http://127.0.0.1:${port}`,
    ),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /MODEL_DOWNLOAD_FAILED/);
      assert.match(err.stderr, /ECONNREFUSED/);
      return true;
    },
  );
});

test('transcribe: text, srt and verbose json', async () => {
  const text = await cli('transcribe', '--url', server.url, jfk);
  assert.match(text.stdout, /ask not what your country/i);
  const srt = await cli('transcribe', '--url', server.url, '--srt', jfk);
  assert.match(srt.stdout, /^1\n00:00:\d\d,\d{3} --> /);
  const json = JSON.parse((await cli('transcribe', '--url', server.url, '--json', jfk)).stdout) as {
    words: unknown[];
    language: string;
  };
  assert.equal(json.language, 'english');
  assert.ok(json.words.length > 10);
});

test('transcribe --stream prints finals from the WebSocket', async () => {
  const { stdout } = await cli(
    'transcribe',
    '--url',
    server.url,
    '--stream',
    '--pace',
    'Infinity',
    jfk,
  );
  const lines = stdout.trim().split('\n');
  assert.ok(lines.length >= 2, stdout);
  for (const l of lines) assert.match(l, /^\[\d+\.\d\d-\d+\.\d\d\] /);
  assert.match(stdout, /country/i);
});

test('synthesize writes a WAV file', async () => {
  const out = join(scratch, 'hello.wav');
  await cli('synthesize', '--url', server.url, 'Hello from the command line.', '-o', out);
  const bytes = readFileSync(out);
  assert.equal(bytes.subarray(0, 4).toString('ascii'), 'RIFF');
  assert.ok(bytes.length > 22050, `only ${bytes.length} bytes`);
});

test('a server that is not running gives a clear error, not a stack trace', async () => {
  await assert.rejects(
    cli('transcribe', '--url', 'http://127.0.0.1:9', jfk),
    (err: { code: number; stderr: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /cannot reach http:\/\/127\.0\.0\.1:9/);
      assert.doesNotMatch(err.stderr, /at .*\.js:\d+/);
      return true;
    },
  );
});
