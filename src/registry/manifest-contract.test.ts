import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VoxfleetError } from '../core/index.js';
import { parseManifest } from './manifest.js';
import { asV1, rawCatalogManifest, rawCatalogManifests } from './testing/manifests.js';

const raw = rawCatalogManifest;
const rawCatalog = { models: rawCatalogManifests() };

function assertInvalid(value: unknown, field: string, messagePart?: RegExp): void {
  assert.throws(
    () => parseManifest(value, 'test'),
    (err: unknown) => {
      assert.ok(err instanceof VoxfleetError, String(err));
      assert.equal(err.code, 'MODEL_MANIFEST_INVALID');
      assert.equal(err.details.field, field, err.message);
      if (messagePart) assert.match(err.message, messagePart);
      return true;
    },
  );
}

test('version 1 manifests still load; contract blocks need schemaVersion 2', () => {
  for (const m of rawCatalog.models) {
    const v1 = parseManifest(asV1(structuredClone(m)));
    assert.equal(v1.schemaVersion, 1);
    assert.equal(v1.identity, undefined);
  }
  const stray = asV1(raw('silero-vad'));
  stray.identity = { owner: 'x', releaseDate: '2026-01-01' };
  assertInvalid(stray, 'identity', /needs schemaVersion 2/);
  const strayInput = asV1(raw('silero-vad'));
  strayInput.inputs.channels = 1;
  assertInvalid(strayInput, 'inputs.channels', /needs schemaVersion 2/);

  const future = raw('silero-vad');
  future.schemaVersion = 3;
  assertInvalid(future, 'schemaVersion', /must be one of 1, 2 \(got 3\)/);
});

test('schemaVersion 2 needs identity and controls, and the blocks its kind needs', () => {
  const noIdentity = raw('silero-vad');
  delete noIdentity.identity;
  assertInvalid(noIdentity, 'identity', /is required/);

  const noControls = raw('piper-en-us-joe-medium');
  delete noControls.controls;
  assertInvalid(noControls, 'controls', /is required/);

  const noDecode = raw('whisper-tiny.en');
  delete noDecode.decode;
  assertInvalid(noDecode, 'decode', /kind 'asr'/);

  const noSegmentation = raw('whisper-base');
  delete noSegmentation.preprocessing.segmentation;
  assertInvalid(noSegmentation, 'preprocessing.segmentation', /kind 'asr'/);

  const noTimestamps = raw('whisper-base');
  delete noTimestamps.outputs.timestamps;
  assertInvalid(noTimestamps, 'outputs.timestamps', /is required/);

  const noText = raw('piper-en-us-joe-medium');
  delete noText.preprocessing.text;
  assertInvalid(noText, 'preprocessing.text', /kind 'tts'/);

  const noChannels = raw('silero-vad');
  delete noChannels.inputs.channels;
  assertInvalid(noChannels, 'inputs.channels', /audio input/);

  const vadDecode = raw('silero-vad');
  vadDecode.decode = raw('whisper-base').decode;
  assertInvalid(vadDecode, 'decode', /for kind 'asr' only/);
});

test('contract fields must agree with the engine config and the files', () => {
  const date = raw('silero-vad');
  date.identity.releaseDate = '2026-02-30';
  assertInvalid(date, 'identity.releaseDate', /calendar date/);

  const commit = raw('silero-vad');
  commit.identity.trainingCommit = 'main';
  assertInvalid(commit, 'identity.trainingCommit', /git commit/);
  commit.identity.trainingCommit =
    'github:snakers4/silero-vad@806dcba3f0b5d95282d0889a074954a2f8c6397b';
  assert.equal(parseManifest(commit).identity?.trainingCommit?.slice(-7), '8c6397b');

  const mel = raw('whisper-tiny.en');
  mel.preprocessing.features.melBins = 128;
  assertInvalid(mel, 'preprocessing.features.melBins', /inputs.featureDim/);

  const tok = raw('whisper-tiny.en');
  tok.preprocessing.tokenizer.file = 'LICENSE';
  assertInvalid(tok, 'preprocessing.tokenizer.file', /token file the engine config names/);

  const tail = raw('whisper-tiny.en');
  tail.decode.tailPaddings.streamPartial = 3000;
  assertInvalid(tail, 'decode.tailPaddings.streamPartial', /engine.config.modelConfig.whisper/);

  const words = raw('whisper-tiny.en');
  words.outputs.timestamps.words = 'model';
  assertInvalid(words, 'outputs.timestamps.words', /wordTimings/);

  const vad = raw('whisper-tiny.en');
  vad.preprocessing.segmentation.vadModel = 'silero-vad';
  assertInvalid(vad, 'preprocessing.segmentation.vadModel', /name@version/);

  const step = raw('whisper-tiny.en');
  step.decode.postprocess = ['lowercase'];
  assertInvalid(step, 'decode.postprocess[0]', /strip-non-speech-tags, collapse-repeats/);

  const plan = raw('whisper-tiny.en');
  plan.controls.rolloutPlan = 'release/rollout.json';
  assertInvalid(plan, 'controls.rolloutPlan', /not in 'files'/);

  const back = raw('whisper-tiny.en');
  back.controls.rollbackTo = '0.9.0';
  assertInvalid(back, 'controls.rollbackTo', /'name@version'/);
  back.controls.rollbackTo = 'whisper-tiny.en@1.0.0';
  assertInvalid(back, 'controls.rollbackTo', /another version/);
  back.controls.rollbackTo = 'whisper-base@1.0.0';
  assert.equal(parseManifest(back).controls?.rollbackTo, 'whisper-base@1.0.0');

  const report = raw('whisper-tiny.en');
  report.eval = { quality: { report: 'eval/result.json' } };
  assertInvalid(report, 'eval.quality.schema', /is required/);
});
