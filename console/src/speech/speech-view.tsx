/** Speech: type text, pick a voice, hear it while later sentences are still being synthesised. */
import { useState } from 'preact/hooks';
import { describeError } from '../api/http';
import { formatMs } from '../ui/format';
import { useModels } from '../ui/use-models';
import { speak, type SpeakProgress } from './speak';

const SAMPLE_TEXT =
  'Hello from voxfleet. This first sentence is already playing while the next one is still being synthesised. Every word you hear was made on this server.';

export function SpeechView() {
  const { models, error: modelsError } = useModels();
  const voices = models
    .filter((m) => m.kind === 'tts')
    .flatMap((m) => (m.voices ?? []).map((voice) => ({ model: m.id, voice })));
  const [text, setText] = useState(SAMPLE_TEXT);
  const [choice, setChoice] = useState(0);
  const [progress, setProgress] = useState<SpeakProgress | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function onSpeak(): Promise<void> {
    const picked = voices[choice];
    setBusy(true);
    setError('');
    setProgress(undefined);
    try {
      await speak(
        { input: text, ...(picked ? { model: picked.model, voice: picked.voice } : {}) },
        setProgress,
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="speech-title">
      <h2 id="speech-title">Speech</h2>
      <label class="block">
        Text
        <textarea
          rows={4}
          value={text}
          maxLength={4096}
          data-testid="speech-text"
          onInput={(e) => setText(e.currentTarget.value)}
        />
      </label>
      <div class="toolbar">
        <label>
          Voice{' '}
          <select value={choice} onChange={(e) => setChoice(Number(e.currentTarget.value))}>
            {voices.map((v, i) => (
              <option value={i}>
                {v.voice} ({v.model})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="primary"
          data-testid="speech-speak"
          disabled={busy || text.trim() === ''}
          onClick={() => void onSpeak()}
        >
          {busy ? 'Speaking…' : 'Speak'}
        </button>
        <dl class="readout">
          <dt>first audio</dt>
          <dd data-testid="speech-first-audio-ms">{formatMs(progress?.firstAudioMs)}</dd>
          <dt>audio</dt>
          <dd
            data-testid="speech-duration"
            data-seconds={progress?.decodedS ?? 0}
            data-done={progress?.done ?? false}
          >
            {progress ? `${progress.decodedS.toFixed(1)} s` : '—'}
          </dd>
        </dl>
      </div>
      {(error || modelsError) && (
        <p class="error" role="alert">
          {error || modelsError}
        </p>
      )}
    </section>
  );
}
