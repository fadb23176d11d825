/**
 * What one shadowed session says about the candidate, computed in memory from both sides'
 * events and then dropped: the texts never leave this object (never logged, never returned,
 * never stored). Only the figures do.
 */
import { alignTokens, type StreamEvent } from '../../core/index.js';

export interface SideFigures {
  readonly finals: number;
  readonly emptyFinals: number;
  /** Partial updates per final: how much the caption moves before it settles. */
  readonly partialsPerFinal: number;
  /** Partials that took back a word an earlier partial of the same utterance showed. */
  readonly partialRewrites: number;
}

export interface SessionComparison {
  /** Word edits from the primary's transcript to the candidate's, per primary word. */
  readonly wordDisagreement: number;
  readonly primaryWords: number;
  readonly primary: SideFigures;
  readonly candidate: SideFigures;
}

const words = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .split(/\s+/)
    .filter((w) => w !== '');

/** One side of a shadowed session: what its events said. */
export class SideRecorder {
  private readonly finalsText: string[] = [];
  private finals = 0;
  private emptyFinals = 0;
  private partials = 0;
  private rewrites = 0;
  private lastPartialWords: string[] = [];

  record(event: StreamEvent): void {
    if (event.type === 'partial') {
      this.partials += 1;
      const now = words(event.text);
      // A word shown before and now gone or changed: the caption took something back.
      const kept = this.lastPartialWords.filter((w, i) => now[i] === w).length;
      if (kept < this.lastPartialWords.length) this.rewrites += 1;
      this.lastPartialWords = now;
    } else if (event.type === 'final') {
      this.finals += 1;
      if (words(event.text).length === 0) this.emptyFinals += 1;
      this.finalsText.push(event.text);
      this.lastPartialWords = [];
    }
  }

  transcriptWords(): string[] {
    return words(this.finalsText.join(' '));
  }

  figures(): SideFigures {
    return {
      finals: this.finals,
      emptyFinals: this.emptyFinals,
      partialsPerFinal: this.partials / Math.max(1, this.finals),
      partialRewrites: this.rewrites,
    };
  }
}

export function compareSides(primary: SideRecorder, candidate: SideRecorder): SessionComparison {
  const ref = primary.transcriptWords();
  const hyp = candidate.transcriptWords();
  const alignment = alignTokens(ref, hyp);
  return {
    wordDisagreement: alignment.errors / Math.max(1, ref.length),
    primaryWords: ref.length,
    primary: primary.figures(),
    candidate: candidate.figures(),
  };
}
