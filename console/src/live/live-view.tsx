/**
 * Live captions from the microphone: stable text in full colour, the part that may still change
 * dimmed, finals appended with their times, and this browser's first-partial and final latency.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../api/http';
import { ListenSocket } from '../api/listen-socket';
import { startMicCapture, type MicCapture } from '../audio/mic-capture';
import { formatClock, formatMs } from '../ui/format';
import { AudioSendClock } from './audio-send-clock';
import { EMPTY_CAPTIONS, applyListenEvent, type CaptionState } from './caption-state';

/** A clean close; codes from 4000 up follow an error message the server has already sent. */
const NORMAL_CLOSE = 1000;

type LiveStatus = 'idle' | 'starting' | 'listening' | 'stopping' | 'failed';

interface Session {
  readonly socket: ListenSocket;
  readonly mic: MicCapture;
}

const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'auto', label: 'Detect (multilingual model)' },
];

export function LiveView() {
  const [status, setStatus] = useState<LiveStatus>('idle');
  const [error, setError] = useState('');
  const [language, setLanguage] = useState('en');
  const [captions, setCaptions] = useState<CaptionState>(EMPTY_CAPTIONS);
  const session = useRef<Session | undefined>(undefined);

  useEffect(() => () => void stopSession(session.current), []);

  async function start(): Promise<void> {
    setStatus('starting');
    setError('');
    setCaptions(EMPTY_CAPTIONS);
    const clock = new AudioSendClock();
    try {
      // The socket must be ready before audio flows; frames captured meanwhile are dropped.
      const sink: { send?: (pcm: ArrayBuffer) => void } = {};
      const mic = await startMicCapture((pcm) => sink.send?.(pcm));
      const socket = await ListenSocket.open(
        { sampleRateHz: mic.sampleRateHz, language },
        {
          onEvent: (event) => {
            if (event.type === 'error') setError(`${event.code}: ${event.message}`);
            setCaptions((state) => applyListenEvent(state, event, clock, performance.now()));
          },
          // The server closes after `closed` or an error; a dropped connection ends here too.
          onClose: (code) => {
            if (code !== NORMAL_CLOSE && code < 4000) setError(`the connection closed (${code})`);
            const ending = session.current;
            session.current = undefined;
            void stopSession(ending).then(() => setStatus('idle'));
          },
        },
      ).catch(async (err: unknown) => {
        await mic.stop();
        throw err;
      });
      sink.send = (pcm) => {
        socket.sendAudio(pcm);
        clock.recordFrame(pcm.byteLength / 2 / mic.sampleRateHz, performance.now());
      };
      session.current = { socket, mic };
      setStatus('listening');
    } catch (err) {
      setError(describeError(err));
      setStatus('failed');
    }
  }

  async function stop(): Promise<void> {
    setStatus('stopping');
    const current = session.current;
    session.current = undefined;
    await stopSession(current);
    setStatus('idle');
  }

  const busy = status === 'starting' || status === 'stopping';
  const live = status === 'listening';
  return (
    <section aria-labelledby="live-title">
      <h2 id="live-title">Live captions</h2>
      <p class="hint">
        Speak into the microphone; audio goes to <code>/v1/listen</code> as 16-bit PCM at 16 kHz.
      </p>
      <div class="toolbar">
        {live ? (
          <button type="button" data-testid="live-stop" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button
            type="button"
            class="primary"
            data-testid="live-start"
            disabled={busy}
            onClick={() => void start()}
          >
            Start captions
          </button>
        )}
        <label>
          Language{' '}
          <select
            value={language}
            disabled={live || busy}
            onChange={(e) => setLanguage(e.currentTarget.value)}
          >
            {LANGUAGES.map((l) => (
              <option value={l.value}>{l.label}</option>
            ))}
          </select>
        </label>
        <span class="status" data-testid="live-status" data-status={status}>
          {status}
        </span>
        <dl class="readout">
          <dt>first partial</dt>
          <dd data-testid="live-first-partial-ms">{formatMs(captions.firstPartialMs)}</dd>
          <dt>final</dt>
          <dd data-testid="live-final-ms">{formatMs(captions.finalMs)}</dd>
        </dl>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="captions">
        {/* Finals only are announced: partials change too often to be read out. */}
        <div role="log" aria-live="polite" aria-label="Captions">
          <ol class="finals" data-testid="live-finals">
            {captions.finals.map((f) => (
              <li data-end-s={f.endS}>
                <span class="time">
                  {formatClock(f.startS)}–{formatClock(f.endS)}
                </span>{' '}
                <span class="final-text">{f.text}</span>
                {language === 'auto' && f.language && <span class="badge">{f.language}</span>}
              </li>
            ))}
          </ol>
        </div>
        <p class="current" aria-hidden="true" data-utterance={captions.utterance}>
          <span class="stable" data-testid="live-stable">
            {captions.stable}
          </span>
          <span class="unstable">{captions.unstable}</span>
        </p>
      </div>
    </section>
  );
}

async function stopSession(session: Session | undefined): Promise<void> {
  if (session === undefined) return;
  await session.mic.stop();
  await session.socket.close();
}
