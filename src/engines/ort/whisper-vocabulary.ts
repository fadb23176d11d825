/**
 * Whisper's tokens: the text pieces from a sherpa-onnx `tokens.txt` (one `base64 id` per line,
 * ordinary tokens only) and the special tokens, whose ids follow from the vocabulary size.
 */
import { readFile } from 'node:fs/promises';

export interface WhisperSpecialTokens {
  readonly endOfText: number;
  readonly startOfTranscript: number;
  readonly noTimestamps: number;
}

/** English-only checkpoints (tiny.en ... medium.en): 51864 logits. */
const ENGLISH_ONLY_VOCABULARY = 51_864;

export function specialTokensFor(vocabularySize: number): WhisperSpecialTokens {
  if (vocabularySize !== ENGLISH_ONLY_VOCABULARY) {
    throw new Error(
      `whisper vocabulary of ${vocabularySize} logits: only English-only checkpoints (${ENGLISH_ONLY_VOCABULARY}) are supported by this engine`,
    );
  }
  return {
    endOfText: 50_256,
    startOfTranscript: 50_257,
    noTimestamps: 50_362,
  };
}

export class WhisperVocabulary {
  private readonly decoder = new TextDecoder('utf-8');

  private constructor(private readonly pieces: readonly (Uint8Array | undefined)[]) {}

  static async load(tokensPath: string): Promise<WhisperVocabulary> {
    return WhisperVocabulary.parse(await readFile(tokensPath, 'utf8'), tokensPath);
  }

  static parse(text: string, source = 'tokens'): WhisperVocabulary {
    const pieces: (Uint8Array | undefined)[] = [];
    let line = 0;
    for (const raw of text.split('\n')) {
      line++;
      if (raw.trim() === '') continue;
      const space = raw.lastIndexOf(' ');
      const id = Number(raw.slice(space + 1));
      if (space <= 0 || !Number.isInteger(id) || id < 0) {
        throw new Error(`${source}:${line}: expected "<base64 piece> <id>"`);
      }
      pieces[id] = Buffer.from(raw.slice(0, space), 'base64');
    }
    return new WhisperVocabulary(pieces);
  }

  /** The text piece of every ordinary token, in order; special tokens are skipped. */
  pieceOf(token: number): string {
    const bytes = this.pieces[token];
    return bytes === undefined ? '' : this.decoder.decode(bytes);
  }

  /** Joins the bytes before decoding, so a character split across tokens comes out whole. */
  textOf(tokens: readonly number[]): string {
    const parts = tokens.map((t) => this.pieces[t]).filter((p) => p !== undefined);
    return this.decoder.decode(Buffer.concat(parts)).trim();
  }
}
