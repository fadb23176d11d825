/**
 * Live captions as state: finals so far, and the open utterance split into its stable prefix
 * (which the server promises only grows) and the rest, which may still change.
 */
import type { ListenEvent } from '../api/wire';
import type { AudioSendClock } from './audio-send-clock';

export interface FinalCaption {
  readonly text: string;
  readonly startS: number;
  readonly endS: number;
  readonly language: string;
}

export interface CaptionState {
  readonly finals: readonly FinalCaption[];
  /** Counts utterances; the open one's stable text only grows while this stays the same. */
  readonly utterance: number;
  readonly stable: string;
  readonly unstable: string;
  /** Latest measured latencies (ms), as this browser saw them. */
  readonly firstPartialMs?: number;
  readonly finalMs?: number;
  /** Whether the open utterance has had its first partial with text. */
  readonly sawPartial: boolean;
}

export const EMPTY_CAPTIONS: CaptionState = {
  finals: [],
  utterance: 0,
  stable: '',
  unstable: '',
  sawPartial: false,
};

export function applyListenEvent(
  state: CaptionState,
  event: ListenEvent,
  clock: AudioSendClock,
  nowMs: number,
): CaptionState {
  switch (event.type) {
    case 'partial': {
      // Never let the shown stable prefix shrink, even if a message were to disagree.
      const stable = event.stable_text.startsWith(state.stable) ? event.stable_text : state.stable;
      const rest = event.text.startsWith(stable) ? event.text.slice(stable.length) : '';
      const sentAt = clock.sentAt(event.start_s);
      const first = !state.sawPartial && event.text.trim() !== '';
      return {
        ...state,
        stable,
        unstable: rest,
        sawPartial: state.sawPartial || first,
        ...(first && sentAt !== undefined ? { firstPartialMs: nowMs - sentAt } : {}),
      };
    }
    case 'final': {
      const sentAt = clock.sentAt(event.end_s);
      const finals =
        event.text.trim() === ''
          ? state.finals
          : [
              ...state.finals,
              {
                text: event.text,
                startS: event.start_s,
                endS: event.end_s,
                language: event.language,
              },
            ];
      return {
        ...state,
        finals,
        utterance: state.utterance + 1,
        stable: '',
        unstable: '',
        sawPartial: false,
        ...(sentAt !== undefined ? { finalMs: nowMs - sentAt } : {}),
      };
    }
    default:
      return state;
  }
}
