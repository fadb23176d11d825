/**
 * sherpa-onnx's Whisper gives no token timestamps, so word times are estimated: each word gets
 * a share of the speech inside its segment proportional to its length in characters (plus a
 * constant per word for the gap between words). Times stay inside the VAD's speech spans, so
 * they are right to within a word or two; the API documents them as estimates.
 */
import type { WordTiming } from '../core/index.js';
import type { Span } from './chunk-plan.js';

const PER_WORD_CHARS = 1.5;

export function estimateWordTimings(text: string, speech: readonly Span[]): WordTiming[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const spans = speech.filter((s) => s.endS > s.startS);
  const total = spans.reduce((sum, s) => sum + (s.endS - s.startS), 0);
  if (words.length === 0 || total <= 0) return [];
  const weights = words.map((w) => w.length + PER_WORD_CHARS);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const out: WordTiming[] = [];
  let spoken = 0; // seconds of speech consumed so far
  for (let i = 0; i < words.length; i++) {
    const dur = ((weights[i] ?? 0) / weightSum) * total;
    out.push({
      word: words[i] as string,
      start_s: round(toClock(spans, spoken)),
      end_s: round(toClock(spans, spoken + dur)),
    });
    spoken += dur;
  }
  return out;
}

/** Maps seconds of speech (spans laid end to end) to seconds on the audio's clock. */
function toClock(spans: readonly Span[], speechS: number): number {
  let left = speechS;
  for (const s of spans) {
    const len = s.endS - s.startS;
    if (left <= len + 1e-9) return s.startS + Math.max(0, left);
    left -= len;
  }
  return spans[spans.length - 1]?.endS ?? 0;
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
