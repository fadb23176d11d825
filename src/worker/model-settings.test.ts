import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../registry/index.js';
import { asV1, rawCatalogManifest } from '../registry/testing/manifests.js';
import { DEFAULT_ASR_SETTINGS, asrSettingsOf } from './model-settings.js';
import { cleanTranscript } from './transcript-cleanup.js';

test('the catalog versions record exactly what a version 1 manifest is served with', () => {
  for (const name of ['whisper-tiny.en', 'whisper-base']) {
    const v2 = parseManifest(rawCatalogManifest(name), name);
    const v1 = parseManifest(asV1(rawCatalogManifest(name)), name);
    assert.deepEqual(asrSettingsOf(v2, DEFAULT_ASR_SETTINGS), DEFAULT_ASR_SETTINGS, name);
    assert.deepEqual(asrSettingsOf(v1, DEFAULT_ASR_SETTINGS), DEFAULT_ASR_SETTINGS, name);
  }
});

test("a version's own segmentation and post-processing are what it is served with", () => {
  const raw = rawCatalogManifest('whisper-tiny.en');
  raw.version = '1.1.0';
  raw.preprocessing.segmentation.stream = {
    threshold: 0.9,
    minSpeechMs: 400,
    maxSpeechMs: 15_000,
    padMs: 0,
    phraseGapMs: 300,
    commitLongAfterMs: 5000,
  };
  raw.preprocessing.segmentation.file = {
    threshold: 0.6,
    minSpeechMs: 200,
    minSilenceMs: 400,
    maxSpeechMs: 20_000,
    padMs: 100,
    maxChunkMs: 20_000,
    maxGapMs: 1000,
  };
  raw.decode.postprocess = ['strip-non-speech-tags'];
  const settings = asrSettingsOf(parseManifest(raw, 'edited'), DEFAULT_ASR_SETTINGS);
  assert.deepEqual(settings.streaming, {
    // Partial cadence and cuts of continuous speech are the worker's, not a version's.
    partialEveryMs: DEFAULT_ASR_SETTINGS.streaming.partialEveryMs,
    firstPartialEveryMs: DEFAULT_ASR_SETTINGS.streaming.firstPartialEveryMs,
    splitContinuousAfterMs: DEFAULT_ASR_SETTINGS.streaming.splitContinuousAfterMs,
    vad: { threshold: 0.9, minSpeechMs: 400 },
    maxUtteranceMs: 15_000,
    padMs: 0,
    phraseGapMs: 300,
    commitLongAfterMs: 5000,
  });
  assert.deepEqual(settings.file, {
    vad: { threshold: 0.6, minSpeechMs: 200, minSilenceMs: 400, maxSpeechMs: 20_000 },
    chunking: { maxChunkS: 20, maxGapS: 1, padS: 0.1 },
  });
  assert.deepEqual(settings.postprocess, ['strip-non-speech-tags']);
});

test('post-processing runs only the steps a version lists', () => {
  const loop = '[BLANK_AUDIO] eight eight eight eight eight';
  assert.equal(cleanTranscript(loop), 'eight');
  assert.equal(cleanTranscript(loop, ['strip-non-speech-tags']), 'eight eight eight eight eight');
  assert.equal(cleanTranscript(loop, ['collapse-repeats']), '[BLANK_AUDIO] eight');
  assert.equal(cleanTranscript(' ... ', []), '', 'no letter or digit is no transcript');
});
