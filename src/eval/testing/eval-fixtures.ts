/** Hand-built runs and results for the eval unit tests (not shipped: excluded from the build). */
import type { NumberMode } from '../normalize-text.js';
import { buildEvalResult } from '../report/build-result.js';
import type { EvalResult } from '../report/result-types.js';
import type { UtteranceRun } from '../runner/transcribe-item.js';

export interface FixtureUtterance {
  readonly id: string;
  readonly ref: string;
  readonly hyp: string;
  readonly tags?: readonly string[];
  readonly durationS?: number;
  readonly latencyMs?: number;
  readonly language?: string;
  readonly firstPartialMs?: number;
  readonly finalMs?: number;
  readonly error?: { code: string; message: string };
}

export function fixtureRun(u: FixtureUtterance): UtteranceRun {
  return {
    id: u.id,
    audioPath: `/audio/${u.id}.wav`,
    tags: u.tags ?? [],
    ref: u.ref,
    hyp: u.hyp,
    language: u.language,
    itemLanguage: undefined,
    durationS: u.durationS ?? 2,
    latencyMs: u.latencyMs ?? 500,
    ...(u.firstPartialMs !== undefined ? { firstPartialMs: u.firstPartialMs } : {}),
    ...(u.finalMs !== undefined ? { finalMs: u.finalMs } : {}),
    ...(u.error === undefined ? { model: 'whisper-tiny.en', modelVersion: '1.0.0' } : {}),
    ...(u.error !== undefined ? { error: u.error } : {}),
  };
}

export function fixtureResult(
  utterances: readonly FixtureUtterance[],
  options: { numbers?: NumberMode; wallMs?: number } = {},
): EvalResult {
  return buildEvalResult({
    config: {
      manifest: '/data/manifest.jsonl',
      target: 'http://127.0.0.1:8080',
      url: 'http://127.0.0.1:8080',
      path: 'rest',
      model: null,
      language: null,
      concurrency: 1,
      frameMs: 100,
      limit: null,
      tags: [],
      timeoutS: null,
    },
    numbers: options.numbers ?? 'spell',
    run: { utterances: utterances.map(fixtureRun), wallMs: options.wallMs ?? 1000 },
    servedModels: [
      { id: 'whisper-tiny.en', version: '1.0.0', kind: 'asr', aliases: ['whisper-1'] },
    ],
    machine: {
      cpuModel: 'Test CPU',
      cores: 2,
      platform: 'linux',
      arch: 'x64',
      memoryBytes: 1 << 30,
      node: 'v20.0.0',
    },
    createdAt: new Date('2025-01-02T03:04:05Z'),
  });
}

/** `n` utterances of five words each, tagged 'even'/'odd' by index and all 'read'. */
export function fiveWordUtterances(n: number, hypFor: (i: number) => string): FixtureUtterance[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `u${String(i).padStart(3, '0')}`,
    ref: 'the quick brown fox jumps',
    hyp: hypFor(i),
    tags: ['read', i % 2 === 0 ? 'even' : 'odd'],
  }));
}
