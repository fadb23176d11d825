#!/usr/bin/env node
// `npm test` runs this first: it starts bench/peers/setup.sh (WhisperLive and WhisperLiveKit
// into bench/.peers, ~80 s of pip on a fresh clone) in the background and returns at once, so
// the install overlaps lint, typecheck, build and the unit tests instead of holding up the
// integration test that needs the peers (test/loadtest-peers.test.ts), which waits on the
// script's lock if the install is still running. Output: bench/.peers/setup.log.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const peersDir = process.env.VOXFLEET_PEERS_DIR ?? join(root, 'bench', '.peers');
mkdirSync(peersDir, { recursive: true });
const log = openSync(join(peersDir, 'setup.log'), 'w');
const child = spawn('bash', [join(root, 'bench', 'peers', 'setup.sh')], {
  detached: true,
  stdio: ['ignore', log, log],
  env: { ...process.env, VOXFLEET_PEERS_DIR: peersDir },
});
child.unref();
console.log(`peers setup started in the background (log: ${join(peersDir, 'setup.log')})`);
