/**
 * Long audio is cut only where the VAD heard silence, never at a fixed 30 s, and short
 * neighbouring phrases are joined so Whisper sees sentence context. Pure logic over spans in
 * seconds, so it is tested without a model.
 */

export interface Span {
  readonly startS: number;
  readonly endS: number;
}

export interface Chunk extends Span {
  /** The VAD speech spans inside this chunk, in order (for word timing estimates). */
  readonly speech: readonly Span[];
}

export interface ChunkPlanOptions {
  /** Longest chunk handed to one decode (Whisper's window is 30 s). */
  readonly maxChunkS: number;
  /** Phrases further apart than this are decoded separately. */
  readonly maxGapS: number;
  /** Context kept around speech so VAD does not clip onsets and word ends. */
  readonly padS: number;
  /** Length of the whole audio, to clip padding. */
  readonly totalS: number;
}

export function planChunks(speech: readonly Span[], options: ChunkPlanOptions): Chunk[] {
  const chunks: { startS: number; endS: number; speech: Span[] }[] = [];
  for (const span of speech) {
    if (span.endS <= span.startS) continue;
    const last = chunks[chunks.length - 1];
    if (
      last !== undefined &&
      span.startS - last.endS <= options.maxGapS &&
      span.endS - last.startS <= options.maxChunkS
    ) {
      last.endS = span.endS;
      last.speech.push(span);
    } else {
      chunks.push({ startS: span.startS, endS: span.endS, speech: [span] });
    }
  }
  // Pad each chunk into the silence around it, without overlapping neighbours or the window.
  return chunks.map((c, i) => {
    const prev = chunks[i - 1];
    const next = chunks[i + 1];
    // Neighbours split the silence between them at its middle.
    const lowS = prev === undefined ? 0 : (prev.endS + c.startS) / 2;
    const highS = next === undefined ? options.totalS : (c.endS + next.startS) / 2;
    const room = Math.max(0, options.maxChunkS - (c.endS - c.startS)) / 2;
    const pad = Math.min(options.padS, room);
    const startS = Math.max(lowS, c.startS - pad);
    const endS = Math.min(highS, c.endS + pad);
    return { startS, endS, speech: c.speech };
  });
}
