import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNonSpeechTag, stripNonSpeechTags } from './non-speech-tags.js';

const squash = (text: string): string => stripNonSpeechTags(text).replace(/\s+/g, ' ').trim();

test('removes every square-bracketed span and special tokens', () => {
  assert.equal(squash('[BLANK_AUDIO]'), '');
  assert.equal(squash('[ Silence ] hello [ Sound Effects ]'), 'hello');
  assert.equal(squash('[MUSIC PLAYING] go forward'), 'go forward');
  assert.equal(squash('<|nospeech|>hi<|endoftext|>'), 'hi');
});

test('removes round-bracketed and starred tags built from the tag vocabulary', () => {
  assert.equal(squash('( music )'), '');
  assert.equal(squash('(upbeat music) ten of clubs (audience applauding)'), 'ten of clubs');
  assert.equal(squash('(speaking in foreign language)'), '');
  assert.equal(squash('well *laughs* yes'), 'well yes');
  assert.equal(squash('♪ la la la ♪'), 'la la la');
});

test('keeps spoken parentheticals as they are', () => {
  assert.equal(
    squash('first type (afterwards used by Schussler) is'),
    'first type (afterwards used by Schussler) is',
  );
  assert.equal(squash('the (music) hall (built in 1811)'), 'the hall (built in 1811)');
  assert.equal(squash('a *very* good point'), 'a *very* good point');
});

test('isNonSpeechTag needs a sound word, only tag words and at most five words', () => {
  assert.equal(isNonSpeechTag('music'), true);
  assert.equal(isNonSpeechTag(' Gentle Music '), true);
  assert.equal(isNonSpeechTag('BLANK_AUDIO'), true);
  assert.equal(isNonSpeechTag('the audience'), false);
  assert.equal(isNonSpeechTag('music by the band'), false);
  assert.equal(isNonSpeechTag('soft soft soft soft soft music'), false);
  assert.equal(isNonSpeechTag(''), false);
});
