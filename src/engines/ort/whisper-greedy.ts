/**
 * Whisper's greedy decode, with an optional draft: tokens expected to come out (what the previous
 * decode of the same, shorter utterance produced) are appended to the prompt and checked in one
 * decoder call. They are kept up to the first one the model would not have chosen; from there the
 * loop goes on one token per call, as plain greedy does.
 *
 * Why: the decoder call costs about the same for 1 or 25 tokens on a CPU (11 vs 15 ms for
 * tiny.en), so a streaming final whose words the last partial already had costs one call instead
 * of one per token (bench/draft-decode.ts). The result is plain greedy's: a draft token is kept
 * only where it is the argmax. (In exact arithmetic. The int8 decoder quantises activations per
 * tensor, so logits computed for many positions at once differ in the last bits, and a near tie
 * can go the other way; the bench counts how often, and the WER it costs.)
 */

/**
 * Runs the decoder on `tokens` at positions `offset`, `offset + 1`, ... and returns, for each
 * input position, the token the model ranks first to follow it. The implementation owns the
 * self-attention cache: entries past the last position of a call are stale after a shorter
 * accepted prefix, and the next call, which starts at that position, overwrites them.
 */
export type WhisperDecoderStep = (tokens: readonly number[], offset: number) => Promise<number[]>;

export interface GreedyOptions {
  /** [start of transcript, (language, task,) no timestamps]. */
  readonly prompt: readonly number[];
  readonly endOfText: number;
  /** Most tokens to produce (sherpa-onnx: 6 per second of audio, at most half the context). */
  readonly maxTokens: number;
  /** The decoder's text context (448 for Whisper). */
  readonly contextTokens: number;
  readonly draft?: readonly number[];
}

export interface GreedyResult {
  readonly tokens: number[];
  /** Draft tokens kept. */
  readonly draftKept: number;
  readonly decoderCalls: number;
}

export async function decodeGreedy(
  step: WhisperDecoderStep,
  options: GreedyOptions,
): Promise<GreedyResult> {
  const { prompt, endOfText, maxTokens, contextTokens } = options;
  const room = Math.max(0, Math.min(maxTokens, contextTokens - 1 - prompt.length));
  const given = options.draft ?? [];
  const end = given.indexOf(endOfText);
  const draft = (end < 0 ? given : given.slice(0, end)).slice(0, room);
  const firstChoices = await step([...prompt, ...draft], 0);
  let calls = 1;
  const tokens: number[] = [];
  const choiceAfter = (n: number): number => {
    const choice = firstChoices[prompt.length - 1 + n];
    if (choice === undefined) throw new Error(`decoder returned no choice for position ${n}`);
    return choice;
  };
  while (tokens.length < draft.length && choiceAfter(tokens.length) === draft[tokens.length]) {
    tokens.push(draft[tokens.length]!);
  }
  const draftKept = tokens.length;
  let next = choiceAfter(tokens.length);
  while (next !== endOfText && tokens.length < room) {
    tokens.push(next);
    const choices = await step([next], prompt.length + tokens.length - 1);
    calls++;
    const last = choices[choices.length - 1];
    if (last === undefined) throw new Error('decoder returned no choice');
    next = last;
  }
  return { tokens, draftKept, decoderCalls: calls };
}
