/**
 * `voxfleet loadtest --protocol whisperlive | whisperlivekit` against the real peer servers,
 * each started from bench/.peers (bench/peers/setup.sh installs it on first use, so a fresh
 * clone sets itself up) on a free loopback port with Whisper tiny.en: 2 real-time streams over
 * short clean dev utterances. Figures are checked for plausibility, never speed; the summary is
 * printed for the record. Each server is stopped in the top-level `after`, even when a test
 * fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freeLoopbackPort,
  peersInstalled,
  setUpPeers,
  startPeer,
  type PeerName,
  type PeerServer,
} from '../bench/peers/start-peer.js';
import {
  compileLoadtestConfig,
  formatLoadtestSummary,
  runLoadtest,
  streamProtocolFor,
  systemLoadClock,
  type LoadtestResult,
  type StreamSession,
} from '../src/eval/loadtest/index.js';
import { DEV_AUDIO } from './helpers/paths.js';
import { writeSubsetManifest } from './helpers/manifest.js';

const scratch = mkdtempSync(join(tmpdir(), 'voxfleet-loadtest-peers-'));
const manifest = join(scratch, 'manifest.jsonl');
/** Three short, clean read utterances (2.6 to 3.2 s), tagged "clean" in the dev manifest. */
const IDS = ['LJ001-0013', 'LJ001-0125', 'LJ001-0126'];
const WARMUP_WAV = join(DEV_AUDIO, 'LJ002-0035.wav');
const running = new Set<PeerServer>();

before(() => {
  if (!peersInstalled()) {
    const ms = setUpPeers();
    console.log(`bench/peers/setup.sh took ${(ms / 1000).toFixed(0)} s`);
  }
  writeSubsetManifest(DEV_AUDIO, IDS, manifest);
});

after(async () => {
  for (const peer of running) await peer.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function start(name: PeerName, maxClients?: number): Promise<PeerServer> {
  const peer = await startPeer(name, {
    warmupWav: WARMUP_WAV,
    ...(maxClients !== undefined ? { maxClients } : {}),
  });
  running.add(peer);
  return peer;
}

async function stop(peer: PeerServer): Promise<void> {
  running.delete(peer);
  await peer.close();
}

/** 2 streams at real-time pace; every turn must finish with a final in the drain. */
async function loadtestPeer(name: PeerName, peer: PeerServer): Promise<LoadtestResult> {
  const config = compileLoadtestConfig(
    {
      target: peer.url,
      manifest,
      streams: 2,
      rampS: 1,
      durationS: 6,
      drainS: 45,
      frameMs: 100,
      protocol: name,
      language: 'en',
    },
    {},
  );
  const result = await runLoadtest(config);
  const summary = formatLoadtestSummary(result);
  console.log(summary);
  assert.match(summary, new RegExp(`^voxfleet loadtest: stream x2 against ${name} at http`));
  for (const t of result.turns)
    console.log(
      `  ${t.itemId}: first partial ${t.firstPartialMs?.toFixed(0)} ms, ` +
        `final ${t.finalMs?.toFixed(0)} ms, "${t.hyp ?? ''}"`,
    );
  return result;
}

function assertPlausible(result: LoadtestResult, peer: PeerServer): void {
  const s = result.summary;
  const logs = `\n--- ${peer.name} log ---\n${peer.logs()}`;
  assert.equal(result.cutOff, false, `turns were cut off${logs}`);
  assert.equal(s.failed, 0, `${JSON.stringify(s.errorsByCode)}${logs}`);
  assert.equal(s.refused, 0, JSON.stringify(s.refusedByCode));
  assert.ok(s.completed >= 2, `${s.completed} turns completed`);
  assert.deepEqual(new Set(result.turns.map((t) => t.slot)), new Set([0, 1]));
  for (const t of result.turns) {
    assert.equal(t.error, undefined, t.itemId);
    assert.ok((t.hyp ?? '').trim().length > 0, `${t.itemId}: no final text`);
    assert.ok(t.firstPartialMs !== undefined && t.firstPartialMs > 0, `${t.itemId} first partial`);
    assert.ok(t.finalMs !== undefined && t.finalMs > 0, `${t.itemId} final latency`);
    assert.ok(t.totalMs >= t.audioS * 1000 * 0.9, 'a stream lasts at least its audio');
  }
  assert.ok(s.firstPartialMs !== null && s.firstPartialMs.n === s.completed);
  assert.ok(s.finalMs !== null && s.finalMs.n === s.completed);
  assert.ok(s.churn !== null && s.churn >= 0 && s.churn <= 1);
  assert.ok(s.wer !== null && s.wer < 0.4, `WER ${s.wer}`);
}

test('whisperlive: 2 real-time streams, finals, latencies and WER', async () => {
  const peer = await start('whisperlive', 2);
  try {
    const result = await loadtestPeer('whisperlive', peer);
    assert.equal(result.config.protocol, 'whisperlive');
    assertPlausible(result, peer);

    // A third session while two are open: WhisperLive answers WAIT, read as OVER_CAPACITY.
    const open: StreamSession[] = [];
    const protocol = streamProtocolFor('whisperlive');
    const options = {
      baseUrl: peer.url,
      sampleRateHz: 16000,
      model: undefined,
      language: 'en',
      clock: systemLoadClock,
      signal: new AbortController().signal,
    };
    try {
      open.push(await protocol.open(options), await protocol.open(options));
      await assert.rejects(protocol.open(options), (err: { code?: string }) => {
        assert.equal(err.code, 'OVER_CAPACITY');
        return true;
      });
    } finally {
      for (const s of open) s.terminate();
    }
  } finally {
    await stop(peer);
  }
});

test('whisperlivekit: 2 real-time streams, finals, latencies and WER', async () => {
  const peer = await start('whisperlivekit');
  try {
    const result = await loadtestPeer('whisperlivekit', peer);
    assert.equal(result.config.protocol, 'whisperlivekit');
    assertPlausible(result, peer);
  } finally {
    await stop(peer);
  }
});

test('a peer that is not running is a NOT_READY refusal', async () => {
  const port = await freeLoopbackPort();
  for (const name of ['whisperlive', 'whisperlivekit'] as const) {
    await assert.rejects(
      streamProtocolFor(name).open({
        baseUrl: `http://127.0.0.1:${port}`,
        sampleRateHz: 16000,
        model: undefined,
        language: 'en',
        clock: systemLoadClock,
        signal: new AbortController().signal,
      }),
      (err: { code?: string }) => {
        assert.equal(err.code, 'NOT_READY', name);
        return true;
      },
    );
  }
});
