import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mp3Encoder } from '@breezystack/lamejs';
import { decodeAudioFile } from './decode-audio-file.js';
import { createSpeechEncoder } from './speech-encoder.js';
import {
  LIMITS,
  assertAudioError,
  ascii,
  concatBytes,
  estimateFrequencyHz,
  peak,
  randomBytes,
  readFixture,
  sine,
} from './testing/signals.js';

function mp3Of(samples: Float32Array, sampleRateHz: number): Uint8Array {
  const encoder = createSpeechEncoder('mp3', sampleRateHz);
  return concatBytes(encoder.push(samples), encoder.end());
}

/** An ID3v2.4 tag of `size` bytes of padding. */
function id3Tag(size: number): Uint8Array {
  const tag = new Uint8Array(10 + size);
  ascii(tag, 0, 'ID3');
  tag.set([4, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 3);
  return tag;
}

test('FLAC mono and stereo fixtures decode with the right rate, duration and tone', async () => {
  const mono = await decodeAudioFile(readFixture('tone-1k-16k-mono.flac'), LIMITS);
  assert.equal(mono.format, 'flac');
  assert.equal(mono.sampleRateHz, 16000);
  assert.equal(mono.sourceChannels, 1);
  assert.equal(mono.samples.length, 16000);
  assert.ok(Math.abs(estimateFrequencyHz(mono.samples, 16000) - 1000) < 5);
  assert.ok(Math.abs(peak(mono.samples) - 0.5) < 0.01);

  const stereo = await decodeAudioFile(readFixture('tone-44k-stereo.flac'), LIMITS);
  assert.equal(stereo.sampleRateHz, 44100);
  assert.equal(stereo.sourceChannels, 2);
  assert.equal(stereo.durationS, 0.5);
});

test('Ogg/Opus fixtures decode at 48 kHz with the exact length from the granule positions', async () => {
  const mono = await decodeAudioFile(readFixture('tone-1k-16k-mono.opus'), LIMITS);
  assert.equal(mono.format, 'ogg/opus');
  assert.equal(mono.sampleRateHz, 48000);
  assert.equal(mono.sourceChannels, 1);
  assert.equal(mono.samples.length, 48000);
  assert.ok(Math.abs(estimateFrequencyHz(mono.samples, 48000) - 1000) < 5);

  const stereo = await decodeAudioFile(readFixture('tone-44k-stereo.opus'), LIMITS);
  assert.equal(stereo.sourceChannels, 2);
  assert.equal(stereo.samples.length, 24000);
});

test('MP3 decodes with about the right duration and tone, with or without an ID3 tag', async () => {
  const mp3 = mp3Of(sine(1000, 16000, 1), 16000);
  for (const bytes of [mp3, concatBytes(id3Tag(300), mp3)]) {
    const decoded = await decodeAudioFile(bytes, LIMITS);
    assert.equal(decoded.format, 'mp3');
    assert.equal(decoded.sampleRateHz, 16000);
    assert.equal(decoded.sourceChannels, 1);
    // The encoder adds its delay and pads the last frame: a little over 1 s.
    assert.ok(decoded.durationS >= 1 && decoded.durationS < 1.15, `duration ${decoded.durationS}`);
    assert.ok(Math.abs(estimateFrequencyHz(decoded.samples, 16000, 0.1) - 1000) < 10);
  }
  const stereoEncoder = new Mp3Encoder(2, 44100, 128);
  const left = Int16Array.from(sine(440, 44100, 0.5), (x) => x * 32767);
  const stereo = concatBytes(
    new Uint8Array(stereoEncoder.encodeBuffer(left, left).buffer),
    new Uint8Array(stereoEncoder.flush().buffer),
  );
  const decoded = await decodeAudioFile(stereo, LIMITS);
  assert.equal(decoded.sourceChannels, 2);
  assert.equal(decoded.sampleRateHz, 44100);
  assert.ok(Math.abs(estimateFrequencyHz(decoded.samples, 44100, 0.1) - 440) < 5);
});

test('empty, text, random bytes and unsupported containers are refused by code', async () => {
  await assertAudioError(() => decodeAudioFile(new Uint8Array(0), LIMITS), 'AUDIO_EMPTY');
  await assertAudioError(
    () => decodeAudioFile(new TextEncoder().encode('hello, this is not audio\n'), LIMITS),
    'AUDIO_NOT_AUDIO',
  );
  await assertAudioError(
    () => decodeAudioFile(new TextEncoder().encode('{"a":1}'), LIMITS),
    'AUDIO_NOT_AUDIO',
  );
  for (let seed = 1; seed <= 20; seed++) {
    await assertAudioError(
      () => decodeAudioFile(randomBytes(4096, seed), LIMITS),
      'AUDIO_NOT_AUDIO',
    );
  }
  // Random bytes behind a plausible MPEG frame header: no second frame follows, so not audio.
  await assertAudioError(
    () =>
      decodeAudioFile(
        concatBytes(new Uint8Array([0xff, 0xfb, 0x90, 0x64]), randomBytes(4096)),
        LIMITS,
      ),
    'AUDIO_NOT_AUDIO',
  );
  await assertAudioError(
    () => decodeAudioFile(concatBytes(id3Tag(20), randomBytes(2000, 7).fill(0x11)), LIMITS),
    'AUDIO_NOT_AUDIO',
    /ID3/,
  );
  await assertAudioError(
    () => decodeAudioFile(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4]), LIMITS),
    'AUDIO_UNSUPPORTED_ENCODING',
    /WebM/,
  );
  const mp4 = new Uint8Array(16);
  ascii(mp4, 4, 'ftypM4A ');
  await assertAudioError(() => decodeAudioFile(mp4, LIMITS), 'AUDIO_UNSUPPORTED_ENCODING', /MP4/);
});

test('cut files: AUDIO_TRUNCATED when the header was good, AUDIO_NOT_AUDIO when nothing was', async () => {
  const flac = readFixture('tone-1k-16k-mono.flac');
  await assertAudioError(
    () => decodeAudioFile(flac.subarray(0, Math.floor(flac.length * 0.6)), LIMITS),
    'AUDIO_TRUNCATED',
    /of 16000 declared samples/,
  );
  await assertAudioError(
    () => decodeAudioFile(flac.subarray(0, 20), LIMITS),
    'AUDIO_TRUNCATED',
    /STREAMINFO/,
  );
  // STREAMINFO marked as the last metadata block, then bytes that hold no frame.
  const streamInfoOnly = Uint8Array.from(flac.subarray(0, 42));
  streamInfoOnly[4] = streamInfoOnly[4]! | 0x80;
  const flacGarbage = concatBytes(
    streamInfoOnly,
    randomBytes(3000, 3).map((b) => (b === 0xff ? 0 : b)),
  );
  await assertAudioError(() => decodeAudioFile(flacGarbage, LIMITS), 'AUDIO_NOT_AUDIO');

  const opus = readFixture('tone-1k-16k-mono.opus');
  await assertAudioError(
    () => decodeAudioFile(opus.subarray(0, Math.floor(opus.length * 0.6)), LIMITS),
    'AUDIO_TRUNCATED',
    /inside a page/,
  );

  const mp3 = mp3Of(sine(1000, 16000, 1), 16000);
  await assertAudioError(
    () => decodeAudioFile(mp3.subarray(0, mp3.length - 10), LIMITS),
    'AUDIO_TRUNCATED',
    /inside a frame/,
  );
  await assertAudioError(
    () => decodeAudioFile(concatBytes(id3Tag(100), mp3).subarray(0, 50), LIMITS),
    'AUDIO_TRUNCATED',
    /ID3/,
  );
});

test('channel and duration limits are checked from FLAC, Opus and MP3 headers', async () => {
  const mono = { maxDurationS: 600, maxChannels: 1 };
  await assertAudioError(
    () => decodeAudioFile(readFixture('tone-44k-stereo.flac'), mono),
    'AUDIO_TOO_MANY_CHANNELS',
  );
  await assertAudioError(
    () => decodeAudioFile(readFixture('tone-44k-stereo.opus'), mono),
    'AUDIO_TOO_MANY_CHANNELS',
  );
  const short = { maxDurationS: 0.5, maxChannels: 2 };
  await assertAudioError(
    () => decodeAudioFile(mp3Of(sine(1000, 16000, 1), 16000), short),
    'AUDIO_TOO_LONG',
    /frame headers/,
  );

  // Hostile headers: ten hours declared in FLAC STREAMINFO and in the last Ogg granule.
  const tenHours = 10 * 3600;
  const flac = Uint8Array.from(readFixture('tone-1k-16k-mono.flac'));
  const total = tenHours * 16000;
  flac[8 + 13] = flac[8 + 13]! & 0xf0;
  new DataView(flac.buffer).setUint32(8 + 14, total, false);
  await assertAudioError(() => decodeAudioFile(flac, LIMITS), 'AUDIO_TOO_LONG', /by its header/);

  const opus = Uint8Array.from(readFixture('tone-1k-16k-mono.opus'));
  const lastPage = lastIndexOfOggS(opus);
  new DataView(opus.buffer).setUint32(lastPage + 6, tenHours * 48000, true);
  await assertAudioError(() => decodeAudioFile(opus, LIMITS), 'AUDIO_TOO_LONG', /granule/);
});

test('Ogg streams that are not Opus are AUDIO_UNSUPPORTED_ENCODING', async () => {
  const body = new Uint8Array(30);
  ascii(body, 0, '\x01vorbis');
  const page = new Uint8Array(28);
  ascii(page, 0, 'OggS');
  page[5] = 2; // beginning of stream
  page[26] = 1; // one segment
  page[27] = body.length;
  await assertAudioError(
    () => decodeAudioFile(concatBytes(page, body), LIMITS),
    'AUDIO_UNSUPPORTED_ENCODING',
    /Vorbis/,
  );
});

function lastIndexOfOggS(bytes: Uint8Array): number {
  for (let i = bytes.length - 4; i >= 0; i--) {
    if (
      bytes[i] === 0x4f &&
      bytes[i + 1] === 0x67 &&
      bytes[i + 2] === 0x67 &&
      bytes[i + 3] === 0x53
    )
      return i;
  }
  throw new Error('no Ogg page');
}
