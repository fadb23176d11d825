/**
 * TTS checked by ear, mechanically: dev transcripts are synthesised, the audio is checked
 * (rate, level, duration), then transcribed back with the English model.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesizeSpeech, transcribeBytes } from '../src/client/index.js';
import { decodeAudioFile } from '../src/core/index.js';
import {
  aggregate,
  normalizeText,
  wordErrorRate,
  type WordErrorResult,
} from '../src/eval/index.js';
import { DEV_AUDIO } from './helpers/paths.js';
import { readItems } from './helpers/manifest.js';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({
    models: ['whisper-tiny.en', 'piper-en-us-joe-medium', 'silero-vad'],
  });
});
after(() => server?.close());

const sentences = readItems(DEV_AUDIO)
  .filter((i) => i.tags.includes('clean') && i.tags.includes('read'))
  .slice(0, 10)
  .map((i) => i.text);

test('synthesised dev sentences are real speech at 22.05 kHz and transcribe back', async (t) => {
  const results: WordErrorResult[] = [];
  for (const text of sentences) {
    const res = await synthesizeSpeech(server.url, text, { format: 'wav' });
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    const wav = new Uint8Array(await res.arrayBuffer());
    const view = new DataView(wav.buffer, wav.byteOffset);
    assert.equal(view.getUint32(24, true), 22050, 'sample rate in the header');
    const pcm = new Int16Array(wav.buffer.slice(wav.byteOffset + 44));
    const seconds = pcm.length / 22050;
    const words = text.split(/\s+/).length;
    // Read speech runs at 2-4 words per second.
    assert.ok(
      seconds > words / 5 && seconds < words / 1.2,
      `${seconds.toFixed(1)} s for ${words} words`,
    );
    let energy = 0;
    for (const s of pcm) energy += s * s;
    const rmsDb = 10 * Math.log10(energy / pcm.length / 32768 ** 2);
    assert.ok(rmsDb > -35, `too quiet: ${rmsDb.toFixed(1)} dBFS`);
    const back = JSON.parse(await transcribeBytes(server.url, wav)) as { text: string };
    results.push(
      wordErrorRate(
        normalizeText(text, { numbers: 'spell' }),
        normalizeText(back.text, { numbers: 'spell' }),
      ),
    );
  }
  const total = aggregate(results);
  t.diagnostic(
    `TTS round-trip WER (whisper-tiny.en, numbers spelled): ${(total.wer * 100).toFixed(1)} % over ${total.refWords} words`,
  );
  assert.ok(total.wer < 0.2, `round-trip WER ${(total.wer * 100).toFixed(1)} %`);
});

test('speech streams: the first audio arrives before a long text is done', async () => {
  const text = sentences.slice(0, 5).join(' ');
  const started = performance.now();
  const res = await synthesizeSpeech(server.url, text, { format: 'pcm' });
  const reader = res.body!.getReader();
  const arrivals: number[] = [];
  let bytes = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    arrivals.push(performance.now() - started);
    bytes += r.value.length;
  }
  assert.ok(arrivals.length >= 5, `chunks: ${arrivals.length}`);
  // pcm is OpenAI's 24 kHz s16le
  assert.ok(bytes / 2 / 24000 > 10, `${bytes} bytes`);
  // Synthesised whole before sending, every chunk would arrive within a few ms of the last. The
  // first sentence is a fifth of the work; the margin is for a busy machine (a CI run read the
  // first chunk at 50.1 % of the total with other tests running).
  assert.ok(
    arrivals[0]! < arrivals.at(-1)! * 0.75,
    `first chunk at ${arrivals[0]} ms of ${arrivals.at(-1)} ms`,
  );
});

test('mp3 output decodes as MPEG audio frames', async () => {
  const res = await synthesizeSpeech(server.url, 'A short sentence in MP3.', { format: 'mp3' });
  assert.equal(res.headers.get('content-type'), 'audio/mpeg');
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.ok(bytes.length > 2000);
  assert.equal(bytes[0], 0xff);
  assert.equal(bytes[1]! & 0xe0, 0xe0);
});

test('flac output is a streamed FLAC file that decodes back to the speech', async () => {
  const res = await synthesizeSpeech(server.url, 'The weather is lovely this morning.', {
    format: 'flac',
  });
  assert.equal(res.headers.get('content-type'), 'audio/flac');
  const bytes = new Uint8Array(await res.arrayBuffer());
  const audio = await decodeAudioFile(bytes, { maxDurationS: 60, maxChannels: 1 });
  assert.equal(audio.sampleRateHz, 22050);
  assert.ok(audio.durationS > 1 && audio.durationS < 5, `${audio.durationS} s`);
  const back = JSON.parse(await transcribeBytes(server.url, bytes)) as { text: string };
  assert.match(back.text, /weather is lovely/i);
});
