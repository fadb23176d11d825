/**
 * What stands between Whisper's raw output and a user: Whisper prints non-speech tags on
 * noise ("[BLANK_AUDIO]", "( Sound Effects )") and, on short inputs, loops on a token
 * ("8 8 8 8 8 8 8 8"). Both are removed here; see MODELS.md for the measured faults.
 */
import { stripNonSpeechTags } from '../core/index.js';
import { POSTPROCESS_STEPS } from '../registry/index.js';

/** A step a model version's manifest may list in `decode.postprocess`. */
export type PostprocessStep = (typeof POSTPROCESS_STEPS)[number];

/** Every step the manifest contract knows, in the order they run: what catalog versions list. */
export const ALL_POSTPROCESS_STEPS: readonly PostprocessStep[] = POSTPROCESS_STEPS;

/** A run of the same n-gram repeated this many times or more is a decoding loop. */
const MIN_LOOP_REPEATS = 4;
const MAX_LOOP_NGRAM = 4;

/** Whatever the steps, text with no letter or digit in it is no transcript. */
export function cleanTranscript(
  raw: string,
  steps: readonly PostprocessStep[] = ALL_POSTPROCESS_STEPS,
): string {
  const tagged = steps.includes('strip-non-speech-tags') ? stripNonSpeechTags(raw) : raw;
  const text = tagged.replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(text)) return '';
  return steps.includes('collapse-repeats') ? collapseLoops(text) : text;
}

/**
 * Collapses any n-gram (n <= 4) repeated MIN_LOOP_REPEATS or more times in a row down to one
 * occurrence. Legitimate speech rarely repeats a phrase four times back to back; a decoding
 * loop always does. Comparison ignores case and punctuation ("8, 8, 8, 8." is a loop).
 */
export function collapseLoops(text: string): string {
  let words = text.split(' ');
  for (let n = 1; n <= MAX_LOOP_NGRAM; n++) {
    const out: string[] = [];
    let i = 0;
    while (i < words.length) {
      const gram = words.slice(i, i + n);
      let repeats = 1;
      while (
        i + (repeats + 1) * n <= words.length &&
        sameWords(gram, words.slice(i + repeats * n, i + (repeats + 1) * n))
      ) {
        repeats++;
      }
      if (gram.length === n && repeats >= MIN_LOOP_REPEATS) {
        out.push(...words.slice(i + (repeats - 1) * n, i + repeats * n));
        i += repeats * n;
      } else {
        out.push(words[i] as string);
        i++;
      }
    }
    words = out;
  }
  return words.join(' ');
}

function sameWords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((w, k) => key(w) === key(b[k] ?? ''));
}

function key(word: string): string {
  return word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}
