import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayBuffer, wavHeaderLength } from './replay-buffer.js';

const buffer = (maxBufferedS = 60): ReplayBuffer =>
  new ReplayBuffer({ encoding: 'pcm_s16le', sampleRateHz: 16000, maxBufferedS, trimGridMs: 32 });

const frame = (samples: number, value: number): Uint8Array =>
  new Uint8Array(samples * 2).fill(value);

const audioBytes = (b: ReplayBuffer): number =>
  b.replay().reduce((n, i) => n + (i.kind === 'audio' ? i.bytes.length : 0), 0);

test('a final trims the audio before it, on the 32 ms grid, and sets the replay offset', () => {
  const b = buffer();
  for (let i = 0; i < 10; i++) b.pushAudio(frame(1600, i));
  b.trimTo(0.5); // 8000 samples -> 7680 on the grid
  assert.equal(b.offsetS, 7680 / 16000);
  assert.equal(audioBytes(b), (16000 - 7680) * 2);
  const first = b.replay()[0];
  assert.ok(first?.kind === 'audio');
  // 7680 = 4 frames of 1600 + 1280 samples into the fifth (value 4): the replay starts there,
  // the rest of the fifth frame and then the sixth.
  assert.equal(first.bytes[0], 4);
  assert.equal(first.bytes[(1600 - 1280) * 2 - 1], 4);
  assert.equal(first.bytes[(1600 - 1280) * 2], 5);
});

test('an earlier final never moves the head back; finalize controls go, close stays after the audio it followed', () => {
  const b = buffer();
  b.pushAudio(frame(16000, 1));
  b.pushControl({ type: 'finalize' });
  b.pushAudio(frame(8000, 2));
  b.pushControl({ type: 'close' });
  b.trimTo(1.0);
  const offset = b.offsetS;
  b.trimTo(0.2);
  assert.equal(b.offsetS, offset);
  assert.deepEqual(
    b.replay().map((i) => (i.kind === 'control' ? i.message.type : 'audio')),
    ['audio', 'close'],
  );
});

test('more than maxBufferedS without a final: no failover until a final ends past the loss', () => {
  const b = buffer(1);
  b.pushAudio(frame(16000, 0));
  assert.ok(b.replayable);
  b.pushAudio(frame(1, 0));
  assert.equal(b.replayable, false);
  assert.equal(b.replay().length, 0);
  assert.equal(b.offsetS, 16001 / 16000, 'the head moved on with what was dropped');
  b.pushAudio(frame(8000, 1));
  b.trimTo(0.9); // ended inside what was dropped: the replay would still miss audio
  assert.equal(b.replayable, false);
  b.trimTo(1.2);
  assert.ok(b.replayable);
  assert.equal(b.offsetS, 18944 / 16000, '1.2 s on the 32 ms grid');
});

test('with no utterance open, a silent stream keeps only its last seconds', () => {
  const b = buffer();
  for (let i = 0; i < 600; i++) {
    b.pushAudio(frame(1600, 0)); // a minute of 100 ms frames
    b.trimSilence(3);
  }
  assert.ok(b.replayable);
  assert.ok(b.bufferedS <= 4 && b.bufferedS >= 3, `${b.bufferedS} s held`);
  assert.equal(b.offsetS + b.bufferedS, 60);
});

test('wavHeaderLength finds the data chunk, and is 0 for raw audio', () => {
  const header = new Uint8Array(44);
  header.set([82, 73, 70, 70], 0);
  header.set([87, 65, 86, 69, 102, 109, 116, 32], 8);
  new DataView(header.buffer).setUint32(16, 16, true);
  header.set([100, 97, 116, 97], 36);
  assert.equal(wavHeaderLength(header), 44);
  assert.equal(wavHeaderLength(new Uint8Array(100)), 0);
});

test('controls replay at the stream position they were sent at, between the audio around them', () => {
  const b = buffer();
  b.pushAudio(frame(1600, 1));
  b.pushControl({ type: 'close' });
  b.pushAudio(frame(1600, 2));
  const items = b.replay();
  assert.deepEqual(
    items.map((i) =>
      i.kind === 'control' ? i.message.type : `audio:${i.bytes.length}:${i.bytes[0]}`,
    ),
    ['audio:3200:1', 'close', 'audio:3200:2'],
  );
});

test('the store is reused as the head moves on: an hour of trimmed audio holds a few seconds', () => {
  const b = buffer();
  for (let i = 0; i < 36_000; i++) {
    b.pushAudio(frame(1600, i % 256));
    if (i % 10 === 9) b.trimTo(b.offsetS + b.bufferedS - 0.5);
  }
  assert.ok(b.bufferedS < 2, `${b.bufferedS} s held`);
  const audio = b.replay().filter((i) => i.kind === 'audio');
  const last = audio.at(-1);
  assert.ok(last?.kind === 'audio' && last.bytes.at(-1) === (36_000 - 1) % 256);
});
