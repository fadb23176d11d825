/**
 * Text for TTS is cut into sentences before synthesis: the voice engine only streams at
 * sentence ends, espeak misses some ends ("... ones. that the ..."), and one very long
 * sentence costs latency and memory in proportion to its length (MODELS.md: 973 MB for a
 * 24 s sentence). Long sentences are cut further at commas, then at word boundaries.
 */

const SENTENCE_END = /(?<=[.!?;。！？])\s+|\n\s*\n/u;
const CLAUSE_END = /(?<=[,:—–])\s+/u;

export function splitSentences(text: string, maxChars = 240): string[] {
  const normalized = normalizeForSpeech(text);
  const out: string[] = [];
  for (const sentence of normalized.split(SENTENCE_END)) {
    for (const piece of splitLong(sentence.trim(), maxChars)) {
      if (/[\p{L}\p{N}]/u.test(piece)) out.push(piece);
    }
  }
  return out;
}

/** All-caps input is read letter by letter by espeak ("US" -> "U.S."), so shouting is lowered. */
function normalizeForSpeech(text: string): string {
  const collapsed = text.replace(/[ \t]+/g, ' ').trim();
  const letters = collapsed.replace(/[^\p{L}]/gu, '');
  if (
    letters.length > 12 &&
    letters === letters.toUpperCase() &&
    letters !== letters.toLowerCase()
  ) {
    const lower = collapsed.toLowerCase();
    return lower.replace(
      /(^|[.!?]\s+)(\p{L})/gu,
      (_m, lead: string, ch: string) => lead + ch.toUpperCase(),
    );
  }
  return collapsed;
}

function splitLong(sentence: string, maxChars: number): string[] {
  if (sentence.length <= maxChars) return [sentence];
  const pieces: string[] = [];
  let current = '';
  for (const clause of sentence.split(CLAUSE_END)) {
    if (current.length > 0 && current.length + clause.length + 1 > maxChars) {
      pieces.push(current);
      current = '';
    }
    current = current.length > 0 ? `${current} ${clause}` : clause;
  }
  if (current.length > 0) pieces.push(current);
  return pieces.flatMap((p) => (p.length <= maxChars ? [p] : splitAtWords(p, maxChars)));
}

function splitAtWords(text: string, maxChars: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current.length > 0 && current.length + word.length + 1 > maxChars) {
      out.push(current);
      current = '';
    }
    current = current.length > 0 ? `${current} ${word}` : word.slice(0, maxChars);
  }
  if (current.length > 0) out.push(current);
  return out;
}
