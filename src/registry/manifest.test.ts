/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call -- these tests poke at raw, deliberately invalid JSON */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { BUILTIN_CATALOG_PATH } from './catalog.js';
import { listEngineFileRefs, resolveEngineConfig } from './engine-config.js';
import { formatPath, parseManifest } from './manifest.js';
import { asV1 } from './testing/manifests.js';

type Json = Record<string, any>;
const rawCatalog = JSON.parse(readFileSync(BUILTIN_CATALOG_PATH, 'utf8')) as { models: Json[] };
const raw = (name: string): Json =>
  structuredClone(rawCatalog.models.find((m) => m.name === name)!);

function assertInvalid(value: unknown, field: string, messagePart?: RegExp): void {
  assert.throws(
    () => parseManifest(value, 'test'),
    (err: unknown) => {
      assert.ok(err instanceof VoxfleetError, String(err));
      assert.equal(err.code, 'MODEL_MANIFEST_INVALID');
      assert.equal(err.details.field, field, err.message);
      assert.ok(err.message.includes(`'${field}'`), err.message);
      if (messagePart) assert.match(err.message, messagePart);
      return true;
    },
  );
}

test('the catalog manifests parse, and a parsed manifest is deeply frozen', () => {
  const m = parseManifest(raw('silero-vad'));
  assert.equal(m.name, 'silero-vad');
  assert.ok(
    Object.isFrozen(m) &&
      Object.isFrozen(m.files) &&
      Object.isFrozen(m.files[0]) &&
      Object.isFrozen(m.engine.config),
  );
});

test('shape errors name the field and the rule', () => {
  const m = raw('silero-vad');
  m.files[0].sha256 = 'abc';
  assertInvalid(m, 'files[0].sha256', /64 lower-case hex digits \(got "abc"\)/);

  const v = raw('silero-vad');
  v.version = '1.0';
  assertInvalid(v, 'version', /semantic version/);

  const k = raw('silero-vad');
  k.kind = 'music';
  assertInvalid(k, 'kind', /must be one of asr, tts, vad, speaker \(got "music"\)/);

  const missing = raw('silero-vad');
  delete missing.license;
  assertInvalid(missing, 'license', /is required/);

  const typo = raw('whisper-tiny.en');
  typo.engine.config.modelConfig.whisper.tailPadding = 3000;
  assertInvalid(typo, 'engine.config.modelConfig.whisper.tailPadding', /not a known field/);

  const path = raw('silero-vad');
  path.files[1].path = '../LICENSE';
  assertInvalid(path, 'files[1].path', /relative POSIX path/);

  const abs = raw('silero-vad');
  abs.files[1].path = '/etc/passwd';
  assertInvalid(abs, 'files[1].path');

  const eng = raw('silero-vad');
  eng.engine.kind = 'kaldi';
  assertInvalid(eng, 'engine.kind', /must be one of whisper, vits, silero-vad/);

  assertInvalid('nope', '(manifest)');
});

test('cross-field rules: file references, kinds, aliases, sample rates', () => {
  const ref = raw('whisper-tiny.en');
  ref.engine.config.modelConfig.tokens = 'tokens.txt';
  ref.preprocessing.tokenizer.file = 'tokens.txt';
  assertInvalid(ref, 'engine.config.modelConfig.tokens', /not listed in 'files'/);

  const dir = raw('piper-en-us-joe-medium');
  dir.files = dir.files.filter((f: Json) => !String(f.path).startsWith('espeak-ng-data/'));
  assertInvalid(dir, 'engine.config.model.vits.dataDir', /directory with no files listed/);

  const lic = raw('silero-vad');
  lic.license.files = ['COPYING'];
  assertInvalid(lic, 'license.files[0]', /not in 'files'/);

  const dup = raw('silero-vad');
  dup.files.push({ ...dup.files[0] });
  assertInvalid(dup, 'files[2].path', /duplicates/);

  const reserved = raw('silero-vad');
  reserved.files.push({ path: 'manifest.json', bytes: 1, sha256: '0'.repeat(64) });
  assertInvalid(reserved, 'files[2].path', /reserved/);

  const kind = asV1(raw('silero-vad'));
  kind.kind = 'asr';
  assertInvalid(kind, 'outputs.type', /must be 'transcript' for kind 'asr'/);

  const alias = raw('whisper-tiny.en');
  alias.aliases = ['asr-en', 'asr-en'];
  assertInvalid(alias, 'aliases[1]', /duplicates/);

  const rate = raw('whisper-tiny.en');
  rate.inputs.sampleRateHz = 8000;
  assertInvalid(rate, 'engine.config.featConfig.sampleRate', /inputs.sampleRateHz/);

  const langs = raw('whisper-base');
  langs.inputs.languages = ['*', 'en'];
  assertInvalid(langs, 'inputs.languages');

  const speaker = asV1(raw('silero-vad'));
  speaker.kind = 'speaker';
  speaker.outputs = { type: 'embedding', dim: 256 };
  assertInvalid(speaker, 'engine.kind', /none exists yet/);
});

test('engine file references resolve to absolute paths on a fresh mutable copy', () => {
  const m = parseManifest(raw('piper-en-us-joe-medium'));
  assert.deepEqual(
    listEngineFileRefs(m.engine).map((r) => [r.path, r.isDirectory]),
    [
      ['en_US-joe-medium.onnx', false],
      ['tokens.txt', false],
      ['espeak-ng-data', true],
    ],
  );
  const resolved = resolveEngineConfig(m.engine, (p) => `/models/joe/${p}`);
  assert.equal(resolved.kind, 'vits');
  if (resolved.kind !== 'vits') return;
  assert.equal(resolved.config.model.vits.dataDir, '/models/joe/espeak-ng-data');
  assert.equal(resolved.generationConfig.silenceScale, 1);
  assert.equal(m.engine.kind === 'vits' && m.engine.config.model.vits.dataDir, 'espeak-ng-data');

  const w = parseManifest(raw('whisper-tiny.en'));
  const cfg = resolveEngineConfig(w.engine, (p) => `/x/${p}`);
  assert.ok(cfg.kind === 'whisper');
  cfg.config.modelConfig.whisper.tailPaddings = 3000; // the worker's override
  assert.equal(w.engine.kind === 'whisper' && w.engine.config.modelConfig.whisper.tailPaddings, -1);
});

test('formatPath writes array indexes in brackets', () => {
  assert.equal(formatPath(['files', 2, 'sha256']), 'files[2].sha256');
  assert.equal(formatPath([]), '(manifest)');
});
