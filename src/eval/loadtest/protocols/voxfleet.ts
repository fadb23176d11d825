/**
 * voxfleet's own `/v1/listen` protocol (docs/streaming.md) through the client's ListenSession:
 * `start` with partials on, PCM frames, `close`; the server's speech_started, partial, final and
 * error events map one to one onto stream updates, with the server's speech times.
 */
import { ListenSession, type ListenOptions } from '../../../client/index.js';
import { errorFromWire, type StreamEvent } from '../../../core/index.js';
import type {
  OpenStreamOptions,
  StreamProtocol,
  StreamSession,
  StreamUpdate,
} from './stream-protocol.js';

/** The update one voxfleet event brings (none for ready, utterance_end, closed). */
export function voxfleetUpdates(e: StreamEvent): StreamUpdate[] {
  switch (e.type) {
    case 'error':
      return [{ type: 'error', error: errorFromWire(e) }];
    case 'speech_started':
      return [{ type: 'speech_started', startS: e.start_s }];
    case 'partial':
      return [{ type: 'partial', text: e.text }];
    case 'final':
      return [{ type: 'final', text: e.text, endS: e.words.at(-1)?.end_s ?? e.end_s }];
    default:
      return [];
  }
}

class VoxfleetSession implements StreamSession {
  constructor(private readonly session: ListenSession) {}

  onUpdates(listener: (updates: readonly StreamUpdate[]) => void): void {
    this.session.onEvent((e) => {
      const updates = voxfleetUpdates(e);
      if (updates.length > 0) listener(updates);
    });
  }

  sendAudio(pcm16: Uint8Array): void {
    this.session.sendAudio(pcm16);
  }

  async finish(): Promise<void> {
    await this.session.finish();
  }

  terminate(): void {
    this.session.terminate();
  }
}

export const voxfleetProtocol: StreamProtocol = Object.freeze({
  name: 'voxfleet',
  speechTimes: 'server',
  async open(options: OpenStreamOptions): Promise<StreamSession> {
    const listen: ListenOptions = {
      sampleRateHz: options.sampleRateHz,
      interimResults: true,
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.language !== undefined ? { language: options.language } : {}),
    };
    return new VoxfleetSession(await ListenSession.open(options.baseUrl, listen));
  },
});
