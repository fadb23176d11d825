/**
 * A scriptable WorkerEndpoint for the fabric's own tests: it records what reached it (requests,
 * frames, controls, aborts) and answers predictably, so a fabric can be checked for carrying
 * calls intact. It stands in for the worker, never for the fabric under test.
 */
import type { VoxfleetError } from '../../core/index.js';
import {
  type FileTranscriptionRequest,
  type FileTranscriptionResult,
  type ModelDescriptor,
  type StreamControl,
  type StreamEvent,
  type StreamOpenRequest,
  type SynthesisRequest,
} from '../../core/index.js';
import type {
  StreamChannel,
  SynthesisStream,
  TranscribeCallOptions,
  WorkerEndpoint,
  WorkerStatus,
} from '../contract.js';

export interface FakeStreamRecord {
  readonly request: StreamOpenRequest;
  readonly frames: Uint8Array[];
  readonly controls: StreamControl[];
  aborted: boolean;
  /** Sends an event as this session (a test scripting the worker, e.g. its loss). */
  emit(event: StreamEvent): void;
}

export class FakeWorker implements WorkerEndpoint {
  current: WorkerStatus;
  /** Thrown by the next calls while set. */
  refuseWith: VoxfleetError | undefined;
  readonly transcribeRequests: FileTranscriptionRequest[] = [];
  readonly streams: FakeStreamRecord[] = [];
  readonly synthesisAborts: number[] = [];

  constructor(id: string, over: Partial<WorkerStatus> = {}) {
    this.current = {
      id,
      state: 'ready',
      models: [
        {
          name: 'fake-asr',
          version: '1',
          kind: 'asr',
          languages: ['en'],
          sampleRateHz: 16000,
          capabilities: ['transcribe', 'stream'],
          aliases: ['asr-en'],
        },
      ],
      activeStreams: 0,
      maxStreams: 10,
      streamCapacity: 10,
      decodesRunning: 0,
      decodesQueued: 0,
      ...over,
    };
  }

  status(): WorkerStatus {
    return this.current;
  }

  /** Three segments, then a result naming the byte count and a checksum of the audio. */
  async transcribe(
    request: FileTranscriptionRequest,
    options: TranscribeCallOptions = {},
  ): Promise<FileTranscriptionResult> {
    if (this.refuseWith) throw this.refuseWith;
    this.transcribeRequests.push(request);
    const segments = [0, 1, 2].map((id) => ({
      id,
      start_s: id,
      end_s: id + 1,
      text: `segment ${id}`,
      words: [],
    }));
    for (const s of segments) options.onSegment?.(s);
    return {
      model: 'fake-asr',
      modelVersion: '1',
      language: request.language ?? 'en',
      durationS: request.audio.length / 32000,
      text: `${request.audio.length} bytes, checksum ${checksum(request.audio)}`,
      segments,
    };
  }

  /**
   * `ready` at once; each frame is answered with a partial naming the bytes so far; `finalize`
   * sends a final with the byte count; `close` sends `closed` and ends the session.
   */
  async openStream(
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
  ): Promise<StreamChannel> {
    if (this.refuseWith) throw this.refuseWith;
    const record: FakeStreamRecord = {
      request,
      frames: [],
      controls: [],
      aborted: false,
      emit: (event) => onEvent(event),
    };
    this.streams.push(record);
    let bytes = 0;
    let ended = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const end = (): void => {
      ended = true;
      resolveDone();
    };
    onEvent({
      type: 'ready',
      session_id: request.sessionId,
      model: 'fake-asr',
      model_version: '1',
    });
    return {
      pushAudio: (frame) => {
        if (ended) return;
        record.frames.push(frame.slice());
        bytes += frame.length;
        onEvent({ type: 'partial', text: `${bytes}`, stable_text: '', start_s: 0 });
      },
      control: (message) => {
        if (ended) return;
        record.controls.push(message);
        const audioS = bytes / 32000;
        onEvent({
          type: 'final',
          text: `${bytes}`,
          start_s: 0,
          end_s: audioS,
          words: [],
          language: 'en',
        });
        if (message.type === 'close') {
          onEvent({ type: 'closed', audio_s: audioS });
          end();
        }
      },
      abort: () => {
        record.aborted = true;
        end();
      },
      done,
    };
  }

  /** `input` is a count of chunks; chunk i is i+1 bytes of value i. Records where it stopped early. */
  async synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisStream> {
    if (this.refuseWith) throw this.refuseWith;
    const count = Number(request.input);
    const aborts = this.synthesisAborts;
    async function* produce(): AsyncGenerator<Uint8Array> {
      let i = 0;
      try {
        for (; i < count && signal?.aborted !== true; i++) {
          yield new Uint8Array(i + 1).fill(i % 256);
          // Let the consumer (and an abort) in between chunks, like a real synthesiser.
          await new Promise((r) => setTimeout(r, 1));
        }
      } finally {
        // Stopped early: by the signal, or by the reader returning.
        if (i < count) aborts.push(i);
      }
    }
    return {
      contentType: 'audio/wav',
      sampleRateHz: 22050,
      model: 'fake-tts',
      modelVersion: '1.0.0',
      chunks: produce(),
    };
  }
}

/** The descriptor a worker announces for an English ASR version `name@version`. */
export function fakeAsrDescriptor(ref: string): ModelDescriptor {
  const [name = '', version = ''] = ref.split('@');
  return {
    name,
    version,
    kind: 'asr',
    languages: ['en'],
    sampleRateHz: 16000,
    capabilities: ['transcribe', 'stream'],
    aliases: [],
  };
}

export function checksum(bytes: Uint8Array): number {
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h;
}
