/**
 * WER through every user path against the raw engine, on the same model and audio, plus the
 * latencies and start-up figures the closing notes report. Not a test: it takes minutes.
 *
 *   npm run eval:paths -- [--paths rest,ws1,ws4,cli,latency,tts] [--streams 6] [--limit N]
 *
 * Needs bench/results/raw-engine-whisper-tiny.en.json (node --import tsx bench/raw-engine.ts).
 * Writes bench/results/paths-whisper-tiny.en.json.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ListenSession,
  streamPcm16,
  synthesizeSpeech,
  transcribeBytes,
} from '../src/client/index.js';
import { startEmbeddedServer } from '../src/cli/index.js';
import {
  compileServeConfig,
  decodeAudioFile,
  mapLimited,
  resample,
  toPcm16,
  type StreamEvent,
} from '../src/core/index.js';
import { normalizeText, readManifest, scoreBySlice, type ManifestItem } from '../src/eval/index.js';

const { values } = parseArgs({
  options: {
    paths: { type: 'string', default: 'rest,ws1,ws4,cli,latency,tts' },
    streams: { type: 'string', default: '6' },
    limit: { type: 'string' },
    model: { type: 'string', default: 'whisper-tiny.en' },
    // Final-pass tail padding for the model under test (frames; -1 = engine default).
    'tail-paddings': { type: 'string' },
  },
});
const ROOT = join(import.meta.dirname, '..');
const SHARED = join(ROOT, '..', 'shared');
const paths = new Set(values.paths.split(','));
const isFullRun =
  values.paths === 'rest,ws1,ws4,cli,latency,tts' &&
  values.limit === undefined &&
  values['tail-paddings'] === undefined;
const streams = Number(values.streams);

const rawFile = join(ROOT, 'bench', 'results', `raw-engine-${values.model}.json`);
const raw = JSON.parse(readFileSync(rawFile, 'utf8')) as {
  utterances: { id: string; hyp: string }[];
  rtf: number;
};
let items = await readManifest(join(SHARED, 'audio', 'dev', 'manifest.jsonl'));
if (values.limit !== undefined) items = items.slice(0, Number(values.limit));

const t0 = performance.now();
const server = await startEmbeddedServer(
  compileServeConfig(
    {
      port: 0,
      dataDir: join(ROOT, '.data', 'test'),
      mirrorDir: join(SHARED, 'models'),
      logLevel: 'warn',
      ...(values['tail-paddings'] !== undefined
        ? { tailPaddings: { [values.model]: Number(values['tail-paddings']) } }
        : {}),
    },
    {},
  ),
);
const startupMs = performance.now() - t0;
const rssAfterLoadMb = process.memoryUsage().rss / 1e6;
console.log(
  `server up in ${(startupMs / 1000).toFixed(2)} s, RSS ${rssAfterLoadMb.toFixed(0)} MB, ${cpus().length} cores: ${cpus()[0]?.model ?? ''}`,
);

const hyps: Record<string, Map<string, string>> = {
  raw: new Map(raw.utterances.map((u) => [u.id, u.hyp])),
};
const latency: Record<string, { firstPartialMs: number[]; finalMs: number[] }> = {};
const extra: Record<string, unknown> = {};

const latencyItems = items.filter((i) => i.tags.includes('clean')).slice(0, 12);

async function pcmOf(item: ManifestItem): Promise<Uint8Array> {
  const audio = await resample(
    await decodeAudioFile(new Uint8Array(readFileSync(item.audioPath)), {
      maxDurationS: 3600,
      maxChannels: 8,
    }),
    16000,
  );
  return toPcm16(audio.samples);
}

async function runRest(): Promise<void> {
  const out = new Map<string, string>();
  const started = performance.now();
  await mapLimited(items, 2, async (item) => {
    const body = await transcribeBytes(server.url, new Uint8Array(readFileSync(item.audioPath)), {
      responseFormat: 'json',
    });
    out.set(item.id, (JSON.parse(body) as { text: string }).text);
  });
  hyps.rest = out;
  extra.restWallS = (performance.now() - started) / 1000;
}

/** Streams items through /v1/listen, `n` at a time, at `pace` x real time; records latencies. */
async function runWs(
  name: string,
  subset: readonly ManifestItem[],
  n: number,
  pace: number,
  frameMs: number,
): Promise<void> {
  const out = new Map<string, string>();
  const lat = { firstPartialMs: [] as number[], finalMs: [] as number[] };
  await mapLimited(subset, n, async (item) => {
    const pcm = await pcmOf(item);
    const session = await ListenSession.open(server.url, { language: 'en' });
    const sendStart = performance.now();
    // wall time at which the audio at `s` seconds was sent
    const sentAt = (s: number): number => sendStart + (s * 1000) / pace;
    let speechStartS: number | undefined;
    session.onEvent((e: StreamEvent) => {
      const now = performance.now();
      if (e.type === 'speech_started') speechStartS = e.start_s;
      if (e.type === 'partial' && speechStartS !== undefined) {
        lat.firstPartialMs.push(now - sentAt(speechStartS));
        speechStartS = undefined;
      }
      if (e.type === 'final') {
        const speechEnd = e.words.at(-1)?.end_s ?? e.end_s;
        lat.finalMs.push(now - sentAt(speechEnd));
      }
    });
    const events = await streamPcm16(session, pcm, { sampleRateHz: 16000, frameMs, pace });
    out.set(
      item.id,
      events
        .filter((e) => e.type === 'final')
        .map((e) => (e.type === 'final' ? e.text : ''))
        .join(' '),
    );
  });
  hyps[name] = out;
  latency[name] = lat;
}

async function runCli(): Promise<void> {
  // Async: the server runs in this process and must keep answering while the CLI waits on it.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      join(ROOT, 'bin', 'voxfleet.js'),
      'transcribe',
      '--url',
      server.url,
      ...items.map((i) => i.audioPath),
    ],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const lines = stdout.split('\n').slice(0, items.length);
  hyps.cli = new Map(items.map((item, k) => [item.id, lines[k] ?? '']));
}

async function runTts(): Promise<void> {
  const sentences = items
    .filter((i) => i.tags.includes('clean'))
    .slice(0, 20)
    .map((i) => i.text.toLowerCase());
  const ttfb: number[] = [];
  const total: number[] = [];
  for (const s of sentences) {
    const started = performance.now();
    const res = await synthesizeSpeech(server.url, s, { format: 'wav' });
    const reader = res.body!.getReader();
    let first = true;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (first) ttfb.push(performance.now() - started);
      first = false;
    }
    total.push(performance.now() - started);
  }
  extra.tts = { sentences: sentences.length, ttfbMs: pct(ttfb), totalMs: pct(total) };
}

function pct(xs: number[]): { p50: number; p95: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number =>
    Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { p50: at(0.5), p95: at(0.95), n: s.length };
}

async function step(name: string, fn: () => Promise<void>): Promise<void> {
  if (!paths.has(name)) return;
  const started = performance.now();
  await fn();
  console.log(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await step('rest', runRest);
await step('cli', runCli);
await step('ws4', () => runWs('ws4', items, Math.max(1, Math.floor(streams / 2)), 4, 50));
await step('ws1', () => runWs('ws1', items, streams, 1, 100));
// One stream at real-time pace, nothing else running: the latency a single user feels.
await step('latency', () => runWs('latency', latencyItems, 1, 1, 100));
await step('tts', runTts);
extra.rssPeakMb = process.resourceUsage().maxRSS / 1024;
await server.close();

// ---- report ------------------------------------------------------------------------------
// The latency run covers a subset only; its transcripts are not scored.
const names = Object.keys(hyps).filter((n) => n !== 'latency');
const report: Record<
  string,
  Record<string, Record<string, { wer: number; refWords: number }>>
> = {};
for (const mode of ['plain', 'num'] as const) {
  const norm = (t: string): string =>
    normalizeText(t, { numbers: mode === 'num' ? 'spell' : 'keep' });
  for (const name of names) {
    const scored = scoreBySlice(
      items.map((i) => ({ id: i.id, tags: i.tags, ref: i.text, hyp: hyps[name]!.get(i.id) ?? '' })),
      { normalize: norm },
    );
    for (const slice of scored.slices) {
      ((report[mode] ??= {})[slice.slice] ??= {})[name] = {
        wer: slice.wer,
        refWords: slice.refWords,
      };
    }
  }
}
for (const mode of ['num', 'plain'] as const) {
  console.log(
    `\nWER (${mode === 'num' ? 'numbers spelled out on both sides' : 'case and punctuation only'}), % — ${values.model}`,
  );
  console.log(
    ['slice'.padEnd(16), 'words'.padStart(5), ...names.map((n) => n.padStart(8))].join(' '),
  );
  for (const [slice, row] of Object.entries(report[mode]!)) {
    const words = Object.values(row)[0]?.refWords ?? 0;
    console.log(
      [
        slice.padEnd(16),
        String(words).padStart(5),
        ...names.map((n) => (row[n] ? (row[n].wer * 100).toFixed(1) : '-').padStart(8)),
      ].join(' '),
    );
  }
}
const lat = Object.fromEntries(
  Object.entries(latency).map(([k, v]) => [
    k,
    { firstPartialMs: pct(v.firstPartialMs), finalAfterSpeechEndMs: pct(v.finalMs) },
  ]),
);
console.log('\nlatency (client-side):', JSON.stringify(lat));
console.log(
  'extra:',
  JSON.stringify({
    startupMs: Math.round(startupMs),
    rssAfterLoadMb: Math.round(rssAfterLoadMb),
    ...extra,
  }),
);
writeFileSync(
  // A run of some paths only does not overwrite the full run's file.
  join(
    ROOT,
    'bench',
    'results',
    `paths-${values.model}${isFullRun ? '' : `-${[...paths].join('-')}${values['tail-paddings'] !== undefined ? `-tp${values['tail-paddings']}` : ''}`}.json`,
  ),
  JSON.stringify(
    {
      createdAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model },
      startupMs,
      rssAfterLoadMb,
      wer: report,
      latency: lat,
      extra,
      hyps: Object.fromEntries(names.map((n) => [n, Object.fromEntries(hyps[n]!)])),
    },
    null,
    1,
  ),
);
