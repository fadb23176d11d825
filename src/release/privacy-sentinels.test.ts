import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findLeaks, sentinelNeedles } from './privacy-sentinels.js';

const audio = Uint8Array.from({ length: 3200 }, (_, i) => (i * 37) % 256);
const needles = sentinelNeedles({
  phrases: ['The quartz zebra juggles seventeen jars.'],
  transcripts: ['And so, my fellow Americans'],
  apiKey: 'vf-sentinel-0123456789abcdef',
  audio: [audio],
});

test('a clean log has no findings, though it shares single words with the traffic', () => {
  const log = [
    '{"level":30,"msg":"request completed","route":"transcriptions","model":"whisper-tiny.en"}',
    '{"level":30,"msg":"fellow workers drained","req":{"headers":{"authorization":"[redacted]"}}}',
    'voxfleet_requests_total{route="listen",model="whisper-tiny.en",status="200"} 3',
  ].join('\n');
  assert.deepEqual(findLeaks([{ source: 'log', text: log }], needles), []);
});

test('text, a key and audio in any of its usual encodings are found, by source and line', () => {
  const middle = audio.subarray(0, 3200);
  const sources = [
    {
      source: 'log',
      text: [
        '{"msg":"ok"}',
        '{"msg":"final","text":"and so my FELLOW americans, ask not"}',
        `{"authorization":"Bearer vf-sentinel-0123456789abcdef"}`,
      ].join('\n'),
    },
    { source: 'metrics', text: `x{tts="the quartz zebra"} 1` },
    { source: 'log-b64', text: `{"audio":"${Buffer.from(middle).toString('base64')}"}` },
    { source: 'log-hex', text: Buffer.from(middle).toString('hex') },
    { source: 'log-json', text: JSON.stringify(Buffer.from(middle)) },
    { source: 'key-prefix', text: 'key vf-sentinel-... (vf-sentinel-) ok; vf-sentinel-0123' },
    { source: 'key-tail', text: 'key ****456789abcdef' },
  ];
  const found = findLeaks(sources, needles).map((f) => `${f.source}:${f.line}:${f.kind}`);
  assert.ok(found.includes('log:2:text'), found.join(' '));
  assert.ok(found.includes('log:3:api_key'));
  assert.ok(found.includes('metrics:1:text'));
  assert.ok(found.includes('log-b64:1:audio'));
  assert.ok(found.includes('log-hex:1:audio'));
  assert.ok(found.includes('log-json:1:audio'));
  assert.ok(!found.some((f) => f.startsWith('key-prefix')), 'the bare prefix is not the key');
  assert.ok(found.includes('key-tail:1:api_key'), 'a masked key still shows its tail');
  assert.ok(!found.some((f) => f.startsWith('log:1')));
});
