/**
 * A transcript beside its audio: segment times are buttons that play from there, words are
 * clickable, and the word being played is highlighted.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { VerboseTranscript } from '../api/wire';
import { formatClock } from '../ui/format';

interface Props {
  readonly transcript: VerboseTranscript;
  readonly audioUrl: string;
}

interface SegmentWords {
  readonly id: number;
  readonly start: number;
  readonly text: string;
  /** Indices into transcript.words. */
  readonly wordIndices: readonly number[];
}

export function TranscriptPlayer({ transcript, audioUrl }: Props) {
  const audio = useRef<HTMLAudioElement>(null);
  const [currentWord, setCurrentWord] = useState(-1);
  const segments = useMemo(() => groupWords(transcript), [transcript]);

  // Follow playback every frame (timeupdate fires only ~4 times a second).
  useEffect(() => {
    let frame = 0;
    const follow = (): void => {
      const el = audio.current;
      if (el) setCurrentWord(wordAt(transcript, el.currentTime));
      frame = requestAnimationFrame(follow);
    };
    frame = requestAnimationFrame(follow);
    return () => cancelAnimationFrame(frame);
  }, [transcript]);

  function playFrom(seconds: number): void {
    const el = audio.current;
    if (!el) return;
    el.currentTime = seconds;
    void el.play();
  }

  return (
    <div class="transcript">
      <audio ref={audio} src={audioUrl} controls preload="auto" data-testid="file-audio" />
      <div data-testid="file-segments">
        {segments.map((s) => (
          <p class="segment" key={s.id}>
            <button
              type="button"
              class="time"
              onClick={() => playFrom(s.start)}
              aria-label={`Play from ${formatClock(s.start)}`}
            >
              {formatClock(s.start)}
            </button>{' '}
            <span class="segment-text">
              {s.wordIndices.length === 0
                ? s.text
                : s.wordIndices.map((i) => {
                    const w = transcript.words[i];
                    if (!w) return null;
                    return (
                      <>
                        <span
                          class={i === currentWord ? 'word current' : 'word'}
                          onClick={() => playFrom(w.start)}
                        >
                          {w.word}
                        </span>{' '}
                      </>
                    );
                  })}
            </span>
          </p>
        ))}
      </div>
    </div>
  );
}

/** Each word goes to the segment its start falls in (words and segments come as two lists). */
function groupWords(t: VerboseTranscript): SegmentWords[] {
  let next = 0;
  return t.segments.map((s, i) => {
    const last = i === t.segments.length - 1;
    const indices: number[] = [];
    while (next < t.words.length && (last || (t.words[next]?.start ?? 0) < s.end))
      indices.push(next++);
    return { id: s.id, start: s.start, text: s.text, wordIndices: indices };
  });
}

function wordAt(t: VerboseTranscript, seconds: number): number {
  return t.words.findIndex((w) => seconds >= w.start && seconds < w.end);
}
