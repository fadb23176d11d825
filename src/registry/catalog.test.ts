import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { createCatalog, loadBuiltinCatalog, splitModelRef } from './catalog.js';
import { describeModel } from './describe.js';
import { hashFile } from './hashing.js';
import { parseManifest } from './manifest.js';
import { SHARED_MODELS_DIR, SKIP_WITHOUT_MIRROR } from './testing/paths.js';

const catalog = loadBuiltinCatalog();

test('the built-in catalog has the four models, their aliases and the engine facts from MODELS.md', () => {
  assert.deepEqual(catalog.names(), [
    'piper-en-us-joe-medium',
    'silero-vad',
    'whisper-base',
    'whisper-tiny.en',
  ]);
  assert.equal(catalog.get('asr-en').name, 'whisper-tiny.en');
  assert.equal(catalog.get('whisper-1').name, 'whisper-tiny.en');
  assert.equal(catalog.get('asr-multilingual').name, 'whisper-base');
  assert.equal(catalog.get('tts-1').name, 'piper-en-us-joe-medium');
  assert.equal(catalog.get('tts-1-hd').name, 'piper-en-us-joe-medium');
  assert.equal(catalog.get('silero-vad@1.0.0').version, '1.0.0');
  assert.equal(catalog.find('silero-vad@9.9.9'), undefined);

  const tiny = catalog.get('whisper-tiny.en');
  assert.deepEqual(tiny.inputs.languages, ['en']);
  assert.ok(
    tiny.engine.kind === 'whisper' && tiny.engine.config.modelConfig.whisper.tailPaddings === -1,
  );
  const base = catalog.get('whisper-base');
  assert.deepEqual(base.inputs.languages, ['*']);
  assert.ok(base.inputs.canDetectLanguage && base.inputs.canTranslate);
  assert.ok(
    base.engine.kind === 'whisper' && base.engine.config.modelConfig.whisper.language === '',
  );
  const joe = catalog.get('piper-en-us-joe-medium');
  assert.ok(joe.outputs.type === 'audio' && joe.outputs.sampleRateHz === 22050);
  assert.deepEqual(joe.outputs.type === 'audio' && joe.outputs.voices.map((v) => v.name), ['joe']);
  assert.ok(joe.engine.kind === 'vits' && joe.engine.generationConfig.silenceScale === 1);
  assert.equal(joe.files.filter((f) => f.path.startsWith('espeak-ng-data/')).length, 6);
  assert.equal(catalog.get('silero-vad').inputs.sampleRateHz, 16000);
  // whisper-tiny.en 1.1.0: 1.0.0's files and settings but a shorter stream VAD onset; 1.2.0:
  // 1.1.0's files and settings on the onnxruntime runtime.
  assert.deepEqual(
    catalog.models.map((m) => `${m.name}@${m.version}`),
    [
      'piper-en-us-joe-medium@1.0.0',
      'silero-vad@1.0.0',
      'whisper-base@1.0.0',
      'whisper-tiny.en@1.2.0',
      'whisper-tiny.en@1.1.0',
      'whisper-tiny.en@1.0.0',
    ],
  );
  assert.equal(tiny.version, '1.2.0', 'a bare name is the newest version');
  const tiny110 = catalog.get('whisper-tiny.en@1.1.0');
  const tiny100 = catalog.get('whisper-tiny.en@1.0.0');
  assert.deepEqual(tiny.files, tiny100.files);
  assert.deepEqual(tiny.preprocessing, tiny110.preprocessing);
  assert.deepEqual(tiny.decode, tiny110.decode);
  assert.deepEqual(tiny.engine.config, tiny110.engine.config);
  assert.equal(tiny.engine.runtime, 'onnxruntime');
  assert.equal(tiny110.engine.runtime, 'sherpa-onnx');
  assert.equal(tiny110.preprocessing?.segmentation?.stream?.minSpeechMs, 64);
  assert.equal(tiny100.preprocessing?.segmentation?.stream?.minSpeechMs, 100);
  assert.equal(tiny.controls?.rollbackTo, 'whisper-tiny.en@1.1.0');
  assert.equal(tiny110.controls?.rollbackTo, 'whisper-tiny.en@1.0.0');
  for (const m of catalog.models) {
    for (const lic of m.license.files)
      assert.ok(
        m.files.some((f) => f.path === lic),
        `${m.name}: ${lic}`,
      );
  }
});

test('unknown names are MODEL_NOT_FOUND listing the known ones', () => {
  assert.throws(
    () => catalog.get('whisper-large'),
    (err: unknown) =>
      err instanceof VoxfleetError &&
      err.code === 'MODEL_NOT_FOUND' &&
      err.message.includes('whisper-large') &&
      catalog.names().every((n) => err.message.includes(n)),
  );
});

test('a catalog rejects an alias claimed by two models and duplicate versions', () => {
  const vad = catalog.get('silero-vad');
  const clash = parseManifest({ ...structuredClone(vad), name: 'other-vad', aliases: ['vad'] });
  assert.throws(
    () => createCatalog([vad, clash]),
    (e: unknown) => e instanceof VoxfleetError && e.code === 'MODEL_MANIFEST_INVALID',
  );
  assert.throws(() => createCatalog([vad, vad]), /twice/);
  const newer = parseManifest({ ...structuredClone(vad), version: '1.1.0' });
  const both = createCatalog([vad, newer]);
  assert.equal(both.get('silero-vad').version, '1.1.0');
  assert.equal(both.get('vad@1.0.0').version, '1.0.0');
});

test('splitModelRef separates name@version', () => {
  assert.deepEqual(splitModelRef('whisper-base@1.0.0'), { name: 'whisper-base', version: '1.0.0' });
  assert.deepEqual(splitModelRef('whisper-base'), { name: 'whisper-base', version: undefined });
});

test('describeModel gives the worker-facing descriptor', () => {
  const base = describeModel(catalog.get('whisper-base'));
  assert.deepEqual(base.capabilities, ['transcribe', 'stream', 'translate', 'detect_language']);
  assert.equal(base.sampleRateHz, 16000);
  const joe = describeModel(catalog.get('tts-1'));
  assert.deepEqual(
    [joe.kind, joe.sampleRateHz, joe.voices, joe.capabilities],
    ['tts', 22050, ['joe'], ['synthesize']],
  );
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

test(
  'every catalog file matches the mirror byte for byte, and the mirror has no unlisted file',
  { skip: SKIP_WITHOUT_MIRROR },
  async () => {
    for (const m of catalog.models) {
      const dir = join(SHARED_MODELS_DIR, m.name);
      const onDisk = listFiles(dir)
        .map((p) => relative(dir, p).split(sep).join('/'))
        .sort();
      assert.deepEqual(onDisk, m.files.map((f) => f.path).sort(), m.name);
      for (const f of m.files) {
        const got = await hashFile(join(dir, ...f.path.split('/')));
        assert.deepEqual(got, { bytes: f.bytes, sha256: f.sha256 }, `${m.name}/${f.path}`);
      }
    }
  },
);
