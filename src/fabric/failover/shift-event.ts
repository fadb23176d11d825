/**
 * A replaying session counts time from where its audio began; the client counts from the start
 * of the stream. Shifting every time field by the replay offset keeps one timeline.
 */
import type { StreamEvent } from '../../core/index.js';

export function shiftEvent(event: StreamEvent, offsetS: number): StreamEvent {
  if (offsetS === 0) return event;
  const at = (s: number): number => Math.round((s + offsetS) * 1000) / 1000;
  switch (event.type) {
    case 'speech_started':
    case 'partial':
      return { ...event, start_s: at(event.start_s) };
    case 'final':
      return {
        ...event,
        start_s: at(event.start_s),
        end_s: at(event.end_s),
        words: event.words.map((w) => ({ ...w, start_s: at(w.start_s), end_s: at(w.end_s) })),
      };
    case 'utterance_end':
      return { ...event, end_s: at(event.end_s) };
    case 'closed':
      return { ...event, audio_s: at(event.audio_s) };
    case 'ready':
    case 'error':
      return event;
  }
}
