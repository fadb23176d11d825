/**
 * Keeps the client's view of a stream continuous across a failover: the new worker's session
 * starts over (its own `ready`, `speech_started` for the utterance being replayed, partials
 * decoded afresh), but the client was promised one stream (docs/streaming.md): one `ready`, and
 * within an utterance a `stable_text` that only grows with `text` starting with it.
 */
import type { StreamEvent } from '../../core/index.js';

export class StreamContinuity {
  /**
   * Utterances are told apart by time, not by event order: a final is decoded after its
   * utterance ended, so the next utterance's `speech_started` often arrives before it.
   */
  private lastSpeechStartS = -1;
  private lastEndS = -1;
  /** The stable prefix the client has seen for the open utterance. */
  private stableText = '';

  /** Whether the client has seen an utterance start that has not ended yet. */
  get inUtterance(): boolean {
    return this.lastSpeechStartS >= 0 && this.lastSpeechStartS >= this.lastEndS;
  }

  /** The event to pass on (possibly amended), or undefined to drop it. */
  pass(event: StreamEvent, replaying: boolean): StreamEvent | undefined {
    switch (event.type) {
      case 'ready':
        return replaying ? undefined : event;
      case 'speech_started':
        if (this.inUtterance && replaying) return undefined;
        this.lastSpeechStartS = Math.max(this.lastSpeechStartS, event.start_s);
        return event;
      case 'partial': {
        // A re-decode that disagrees with what the client holds as stable waits for the next
        // partial (or the final) rather than take words back.
        if (!event.text.startsWith(this.stableText)) return undefined;
        const stable = event.stable_text.startsWith(this.stableText)
          ? event.stable_text
          : this.stableText;
        this.stableText = stable;
        return stable === event.stable_text ? event : { ...event, stable_text: stable };
      }
      case 'final':
      case 'utterance_end':
        this.lastEndS = Math.max(this.lastEndS, event.end_s);
        this.stableText = '';
        return event;
      case 'error':
      case 'closed':
        return event;
    }
  }
}
