/**
 * Partial churn: how much text already shown to a user is rewritten later.
 *
 * Words: a text split on whitespace, each lowercased with leading and trailing punctuation
 * removed; words that become empty are dropped. For an utterance with partials p1..pk and
 * final f, each partial p_i is compared with what replaces it, n = p_(i+1) (or f after p_k):
 * - shown(p_i) = number of words of p_i;
 * - rewritten(p_i) = shown(p_i) - the length of the longest common word prefix of p_i and n.
 * Words appended after what was shown are growth, not churn. The utterance's churn is
 * sum(rewritten) / sum(shown); a run's churn sums both over all utterances (0 when nothing
 * was shown). Example: "the cat" → "the cap sat" rewrites 1 of 2 shown words.
 */

export interface ChurnCounts {
  readonly rewrittenWords: number;
  readonly shownWords: number;
}

/** The words churn compares: lowercased, edge punctuation removed, empties dropped. */
export function churnWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w !== '');
}

/** Churn counts of one utterance: its partials in order, then its final ('' when none came). */
export function measureChurn(partials: readonly string[], final: string): ChurnCounts {
  let rewrittenWords = 0;
  let shownWords = 0;
  const texts = [...partials, final].map(churnWords);
  for (let i = 0; i + 1 < texts.length; i++) {
    const shown = texts[i]!;
    const next = texts[i + 1]!;
    let common = 0;
    while (common < shown.length && common < next.length && shown[common] === next[common])
      common++;
    shownWords += shown.length;
    rewrittenWords += shown.length - common;
  }
  return { rewrittenWords, shownWords };
}

/** sum(rewritten) / sum(shown) over utterances; 0 when no word was shown. */
export function churnRate(counts: readonly ChurnCounts[]): number {
  const shown = counts.reduce((s, c) => s + c.shownWords, 0);
  const rewritten = counts.reduce((s, c) => s + c.rewrittenWords, 0);
  return shown === 0 ? 0 : rewritten / shown;
}

/**
 * Churn counts of one stream from what it showed: each view is the committed text and the
 * tentative text after it, in the order shown, the last being what was left at the end. Each
 * view's tentative words are shown; those not kept in the next view's longest common word
 * prefix (committed then tentative) are rewritten. With views taken at every partial and final,
 * this equals measureChurn summed over the stream's utterances; it also fits protocols that
 * send the whole transcript each time.
 */
export function measureViewChurn(
  views: readonly { readonly final: string; readonly partial: string }[],
): ChurnCounts {
  let rewrittenWords = 0;
  let shownWords = 0;
  const shown = views.map((v) => ({
    committed: churnWords(v.final).length,
    words: churnWords(`${v.final} ${v.partial}`),
  }));
  for (let i = 0; i + 1 < shown.length; i++) {
    const cur = shown[i]!;
    const next = shown[i + 1]!.words;
    let common = 0;
    while (common < cur.words.length && common < next.length && cur.words[common] === next[common])
      common++;
    shownWords += cur.words.length - cur.committed;
    rewrittenWords += cur.words.length - Math.max(common, cur.committed);
  }
  return { rewrittenWords, shownWords };
}
