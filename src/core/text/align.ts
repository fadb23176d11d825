/**
 * Levenshtein alignment of two token sequences (words or characters) with unit costs:
 * substitution, insertion and deletion each cost 1, a match 0.
 *
 * Among alignments with the fewest errors, the one with the most matches wins: "the cat on
 * the mat" / "a cat on mat today" aligns as the→a cat on -the mat +today, not as
 * the→a cat on the→mat mat→today (also 3 errors, one match fewer). Remaining ties are broken reading left to right, preferring a match or
 * substitution, then a deletion, then an insertion: ref "a b c d", hyp "a x c e f" aligns as
 * a, b→x, c, d→e, +f, and a repeated word shows up as trailing insertions
 * ("eight" / "eight eight eight" → eight +eight +eight). The number of errors is the same for
 * every minimal alignment; its split into S / I / D can differ between tools with other
 * tie-breaking rules, which is why reports should lead with the total.
 *
 * Memory is two (n+1)·(m+1) tables of 32-bit counts: a 1,000-by-1,000 token pair takes about 8 MB.
 */

/** One step of an alignment, in reading order. */
export type AlignedPair =
  | { readonly op: 'eq'; readonly ref: string; readonly hyp: string }
  | { readonly op: 'sub'; readonly ref: string; readonly hyp: string }
  | { readonly op: 'del'; readonly ref: string }
  | { readonly op: 'ins'; readonly hyp: string };

export type AlignOp = AlignedPair['op'];

export interface EditCounts {
  /** Reference tokens matched exactly. */
  readonly hits: number;
  readonly substitutions: number;
  readonly insertions: number;
  readonly deletions: number;
  /** substitutions + insertions + deletions. */
  readonly errors: number;
}

export interface Alignment extends EditCounts {
  readonly pairs: readonly AlignedPair[];
}

/** Aligns `hyp` against `ref` (minimal edit distance, see the header for tie-breaking). */
export function alignTokens(ref: readonly string[], hyp: readonly string[]): Alignment {
  const n = ref.length;
  const m = hyp.length;
  const width = m + 1;
  // Suffix tables: errors and hits of the best alignment of ref[i..] with hyp[j..].
  const err = new Uint32Array((n + 1) * width);
  const hit = new Uint32Array((n + 1) * width);
  const at = (i: number, j: number): number => i * width + j;
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) continue;
      let bestErr = Infinity;
      let bestHit = 0;
      if (i < n && j < m) {
        const same = ref[i] === hyp[j];
        bestErr = err[at(i + 1, j + 1)]! + (same ? 0 : 1);
        bestHit = hit[at(i + 1, j + 1)]! + (same ? 1 : 0);
      }
      if (i < n) {
        const e = err[at(i + 1, j)]! + 1;
        const h = hit[at(i + 1, j)]!;
        if (e < bestErr || (e === bestErr && h > bestHit)) [bestErr, bestHit] = [e, h];
      }
      if (j < m) {
        const e = err[at(i, j + 1)]! + 1;
        const h = hit[at(i, j + 1)]!;
        if (e < bestErr || (e === bestErr && h > bestHit)) [bestErr, bestHit] = [e, h];
      }
      err[at(i, j)] = bestErr;
      hit[at(i, j)] = bestHit;
    }
  }

  const pairs: AlignedPair[] = [];
  let hits = 0;
  let substitutions = 0;
  let insertions = 0;
  let deletions = 0;
  let i = 0;
  let j = 0;
  const isOn = (e: number, h: number): boolean => e === err[at(i, j)] && h === hit[at(i, j)];
  while (i < n || j < m) {
    const r = ref[i];
    const h = hyp[j];
    if (r !== undefined && h !== undefined) {
      const same = r === h;
      if (isOn(err[at(i + 1, j + 1)]! + (same ? 0 : 1), hit[at(i + 1, j + 1)]! + (same ? 1 : 0))) {
        pairs.push({ op: same ? 'eq' : 'sub', ref: r, hyp: h });
        if (same) hits++;
        else substitutions++;
        i++;
        j++;
        continue;
      }
    }
    if (r !== undefined && isOn(err[at(i + 1, j)]! + 1, hit[at(i + 1, j)]!)) {
      pairs.push({ op: 'del', ref: r });
      deletions++;
      i++;
      continue;
    }
    // Only an insertion is left on an optimal path.
    pairs.push({ op: 'ins', hyp: h! });
    insertions++;
    j++;
  }
  return {
    hits,
    substitutions,
    insertions,
    deletions,
    errors: substitutions + insertions + deletions,
    pairs,
  };
}
