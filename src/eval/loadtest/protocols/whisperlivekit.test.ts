import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhisperLiveKitMessage } from './whisperlivekit.js';
import { EMPTY_VIEW, viewUpdates, type TranscriptView } from './stream-protocol.js';

// Captured from whisperlivekit 0.2.26 (faster-whisper, localagreement, --pcm-input, tiny.en)
// streaming LJ001-0013; the lag counters are cut short.
const CONFIG = '{"type":"config","useAudioWorklet":true,"mode":"full"}';
const NOTHING_YET =
  '{"status":"no_audio_detected","lines":[],"buffer_transcription":"","buffer_diarization":"","buffer_translation":"","remaining_time_transcription":0,"remaining_time_transcription_processing":0.1}';
const BUFFER_ONLY =
  '{"status":"active_transcription","lines":[],"buffer_transcription":" Then in this","buffer_diarization":"","buffer_translation":"","remaining_time_transcription":0.8}';
const COMMITTED_1 =
  '{"status":"active_transcription","lines":[{"speaker":1,"text":" Then in","start":"0:00:00.00","end":"0:00:00.36"}],"buffer_transcription":" the same operation.","buffer_diarization":"","buffer_translation":""}';
const COMMITTED_2 =
  '{"status":"active_transcription","lines":[{"speaker":1,"text":" Then in the same","start":"0:00:00.00","end":"0:00:00.80"}],"buffer_transcription":" operations with us.","buffer_diarization":"","buffer_translation":""}';
const LAST =
  '{"status":"active_transcription","lines":[{"speaker":1,"text":" Then in the same operations with ugly ones.","start":"0:00:00.00","end":"0:00:02.34"}],"buffer_transcription":"","buffer_diarization":"","buffer_translation":""}';
const READY_TO_STOP = '{"type":"ready_to_stop"}';

function viewOf(raw: string): TranscriptView {
  const m = parseWhisperLiveKitMessage(raw);
  assert.equal(m.kind, 'transcript');
  return m.kind === 'transcript' ? m.view : EMPTY_VIEW;
}

test('config says whether the server takes raw PCM; ready_to_stop ends the session', () => {
  assert.deepEqual(parseWhisperLiveKitMessage(CONFIG), { kind: 'config', pcmInput: true });
  assert.deepEqual(parseWhisperLiveKitMessage('{"type":"config","useAudioWorklet":false}'), {
    kind: 'config',
    pcmInput: false,
  });
  assert.deepEqual(parseWhisperLiveKitMessage(READY_TO_STOP), { kind: 'ready_to_stop' });
});

test('errors: bad session parameters are INVALID_ARGUMENT, a status error ENGINE_FAILED', () => {
  const bad = parseWhisperLiveKitMessage('{"type":"error","error":"unsupported language xx"}');
  assert.ok(bad.kind === 'failure' && bad.error.code === 'INVALID_ARGUMENT');
  const failed = parseWhisperLiveKitMessage(
    '{"status":"error","error":"FFmpeg error: x","lines":[],"buffer_transcription":""}',
  );
  assert.ok(failed.kind === 'failure' && failed.error.code === 'ENGINE_FAILED');
  assert.deepEqual(parseWhisperLiveKitMessage('nope'), { kind: 'ignored' });
});

test('lines are the committed text, the buffer the tentative text; silence lines add nothing', () => {
  assert.deepEqual(viewOf(NOTHING_YET), EMPTY_VIEW);
  assert.deepEqual(viewOf(COMMITTED_1), { final: 'Then in', partial: 'the same operation.' });
  const withSilence =
    '{"status":"active_transcription","lines":[{"speaker":1,"text":" Hello there.","start":"0:00:00.00","end":"0:00:01.00"},{"speaker":-2,"text":null,"start":"0:00:01.00","end":"0:00:03.00"},{"speaker":1,"text":" Again.","start":"0:00:03.00","end":"0:00:03.50"}],"buffer_transcription":""}';
  assert.deepEqual(viewOf(withSilence), { final: 'Hello there. Again.', partial: '' });
});

test('a session read as updates: the committed part that grows is final, once', () => {
  const updates = [];
  let view = EMPTY_VIEW;
  for (const raw of [NOTHING_YET, BUFFER_ONLY, BUFFER_ONLY, COMMITTED_1, COMMITTED_2, LAST]) {
    const next = viewOf(raw);
    updates.push(viewUpdates(view, next));
    view = next;
  }
  assert.deepEqual(updates, [
    [],
    [{ type: 'partial', text: 'Then in this' }],
    [],
    [
      { type: 'final', text: 'Then in' },
      { type: 'partial', text: 'the same operation.' },
    ],
    [
      { type: 'final', text: 'the same' },
      { type: 'partial', text: 'operations with us.' },
    ],
    [
      { type: 'final', text: 'operations with ugly ones.' },
      { type: 'partial', text: '' },
    ],
  ]);
});

test('committed text that was revised yields only the words after the common prefix', () => {
  assert.deepEqual(
    viewUpdates({ final: 'a b c', partial: '' }, { final: 'a b x y', partial: '' }),
    [
      { type: 'final', text: 'x y' },
      { type: 'partial', text: '' },
    ],
  );
});
