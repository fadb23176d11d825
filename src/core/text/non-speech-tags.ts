/**
 * Shared by the worker (what reaches users) and eval (scoring, which treats the two sides alike).
 * Removal of the non-speech tags that Whisper-style models print instead of words:
 * `[BLANK_AUDIO]`, `[ Silence ]`, `[ Sound Effects ]`, `(upbeat music)`, `( music )`,
 * `*laughs*`, `<|nospeech|>`, music notes.
 *
 * Rules, applied in this order:
 * 1. `<|...|>` special tokens are removed.
 * 2. Anything in square brackets is removed: references never put spoken words there.
 * 3. Round brackets and `*...*` are removed only when their content is a tag: 1-5 words, every
 *    word drawn from TAG_VOCABULARY, and at least one of them a sound noun or verb. Other
 *    parentheses are kept as they are, because speech is put in them too
 *    (LJ001-0066: "(afterwards used by Schussler)").
 * 4. Music notes (♪ ♫ ♩ ♬) are removed; the lyrics between them are kept.
 */

/** Words naming a sound: at least one must appear for a bracketed group to count as a tag. */
const SOUND_WORDS = new Set([
  'music',
  'applause',
  'applauding',
  'laughter',
  'laughing',
  'laughs',
  'chuckles',
  'chuckling',
  'giggles',
  'giggling',
  'silence',
  'silent',
  'noise',
  'noises',
  'sound',
  'sounds',
  'effects',
  'cough',
  'coughs',
  'coughing',
  'sigh',
  'sighs',
  'sighing',
  'breath',
  'breathing',
  'breathes',
  'gasps',
  'groans',
  'sniffs',
  'sniffling',
  'inaudible',
  'indistinct',
  'unintelligible',
  'chatter',
  'chattering',
  'cheering',
  'cheers',
  'clapping',
  'static',
  'beep',
  'beeps',
  'beeping',
  'buzzing',
  'humming',
  'whistling',
  'crying',
  'sobbing',
  'mumbling',
  'murmuring',
  'clicking',
  'typing',
  'footsteps',
  'ringing',
  'blank_audio',
  'blank',
  'nospeech',
  'no_speech',
  'speaking',
  'singing',
]);

/** Words that may accompany a sound word inside a tag. */
const TAG_MODIFIERS = new Set([
  'a',
  'an',
  'the',
  'in',
  'of',
  'and',
  'no',
  'soft',
  'gentle',
  'upbeat',
  'dramatic',
  'light',
  'loud',
  'quiet',
  'distant',
  'background',
  'audience',
  'crowd',
  'people',
  'man',
  'woman',
  'foreign',
  'language',
  'speech',
  'audio',
  'keyboard',
  'heavy',
  'ominous',
  'suspenseful',
  'tense',
  'mellow',
  'bright',
  'cheerful',
  'sad',
  'slow',
  'fast',
  'instrumental',
  'piano',
  'guitar',
  'electronic',
  'intro',
  'outro',
  'ends',
  'continues',
  'plays',
  'playing',
]);

const MAX_TAG_WORDS = 5;

/** True when the text inside a pair of brackets is a non-speech tag (see rule 3 above). */
export function isNonSpeechTag(content: string): boolean {
  const words = content
    .toLowerCase()
    .split(/[^\p{L}_]+/u)
    .filter((w) => w.length > 0);
  if (words.length === 0 || words.length > MAX_TAG_WORDS) return false;
  let hasSound = false;
  for (const word of words) {
    if (SOUND_WORDS.has(word)) hasSound = true;
    else if (!TAG_MODIFIERS.has(word)) return false;
  }
  return hasSound;
}

/** Removes non-speech tags; every removed span becomes one space. */
export function stripNonSpeechTags(text: string): string {
  return text
    .replace(/<\|[^|>]*\|>/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\(([^()]*)\)/g, (all, inner: string) => (isNonSpeechTag(inner) ? ' ' : all))
    .replace(/\*([^*]*)\*/g, (all, inner: string) => (isNonSpeechTag(inner) ? ' ' : all))
    .replace(/[♪♫♩♬]/gu, ' ');
}
