/**
 * Partial results of a re-decoded open segment change as audio arrives. The stable prefix is
 * the run of words that successive hypotheses agree on; once shown as stable it never shrinks,
 * so a caption UI can commit it. The last word of a hypothesis is never stable: it may be cut
 * mid-word by the end of the audio so far.
 */
export class StablePrefixTracker {
  private stable: string[] = [];
  private previous: string[] = [];

  /** Feeds the newest hypothesis; returns the text to show and its stable prefix. */
  update(hypothesis: string): { text: string; stableText: string } {
    const words = splitWords(hypothesis);
    const candidate = commonPrefix(this.previous, words.slice(0, Math.max(0, words.length - 1)));
    if (candidate.length > this.stable.length && startsWith(candidate, this.stable)) {
      // Append only: words already shown as stable keep their exact spelling.
      this.stable = [...this.stable, ...candidate.slice(this.stable.length)];
    }
    this.previous = words;
    // The shown text always starts with the stable prefix, even if the newest hypothesis
    // disagrees with it; the disagreement is settled by the final.
    const tail = words.slice(this.stable.length);
    return { text: [...this.stable, ...tail].join(' '), stableText: this.stable.join(' ') };
  }

  reset(): void {
    this.stable = [];
    this.previous = [];
  }
}

function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

function normal(word: string): string {
  return word.toLowerCase().replace(/[^\p{L}\p{N}']/gu, '');
}

function commonPrefix(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (normal(x) !== normal(y)) break;
    out.push(y);
  }
  return out;
}

function startsWith(words: readonly string[], prefix: readonly string[]): boolean {
  return prefix.every((w, i) => words[i] !== undefined && normal(words[i]) === normal(w));
}
