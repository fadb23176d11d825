/**
 * The gateway <-> worker contract. A worker offers a WorkerEndpoint; a fabric (in-process now,
 * NATS later) carries calls from the gateway to one chosen endpoint. Both transports implement
 * the same FabricClient so the gateway's code path is the same in every mode.
 */
import type {
  FileTranscriptionRequest,
  FileTranscriptionResult,
  ModelDescriptor,
  StreamControl,
  StreamEvent,
  StreamOpenRequest,
  SynthesisRequest,
  TranscriptSegment,
} from '../core/index.js';

/** Worker lifecycle, a closed union. */
export type WorkerState = 'starting' | 'ready' | 'draining' | 'stopped';

export interface WorkerStatus {
  readonly id: string;
  readonly state: WorkerState;
  readonly models: readonly ModelDescriptor[];
  readonly activeStreams: number;
  readonly maxStreams: number;
  /** Streams this worker can carry now, from measured real-time headroom (<= maxStreams). */
  readonly streamCapacity: number;
  /** Decodes running and waiting right now. */
  readonly decodesRunning: number;
  readonly decodesQueued: number;
  /** Resident memory of the worker's process, bytes (what a second loaded version costs shows here). */
  readonly memoryBytes?: number;
  /** Where the worker runs; set by fabrics that span regions (NATS), absent in-process. */
  readonly region?: string;
  readonly zone?: string;
}

/** A live streaming session as the gateway holds it. */
export interface StreamChannel {
  pushAudio(frame: Uint8Array): void;
  control(message: StreamControl): void;
  /** Stops at once; no more events are delivered. */
  abort(): void;
  /** Settles once the session has ended, after its last event. */
  readonly done: Promise<void>;
  /**
   * Reopens the session with `request` (another model version, an emergency rollback) right
   * after the current utterance's final reaches the client, replaying the audio since: the
   * client sees one stream, no word lost, no final twice, and no utterance decoded by two
   * versions. Only channels that keep a replay buffer (fabric/failover) can.
   */
  moveAtNextFinal?(request: StreamOpenRequest): void;
}

export interface TranscribeCallOptions {
  /** Receives segments in order as they complete (for streamed responses). */
  readonly onSegment?: (segment: TranscriptSegment) => void;
  readonly signal?: AbortSignal;
}

export interface SynthesisStream {
  readonly contentType: string;
  readonly sampleRateHz: number;
  readonly model: string;
  /** The version that speaks (a rollout may pin either of two); '' when not known. */
  readonly modelVersion: string;
  readonly chunks: AsyncIterable<Uint8Array>;
}

/** What one worker serves. */
export interface WorkerEndpoint {
  status(): WorkerStatus;
  transcribe(
    request: FileTranscriptionRequest,
    options?: TranscribeCallOptions,
  ): Promise<FileTranscriptionResult>;
  /** Opens a session; events (starting with `ready`) go to `onEvent`. Throws OVER_CAPACITY when full. */
  openStream(
    request: StreamOpenRequest,
    onEvent: (event: StreamEvent) => void,
  ): Promise<StreamChannel>;
  /** Validates and starts synthesis; audio is produced as `chunks` is read. */
  synthesize(request: SynthesisRequest, signal?: AbortSignal): Promise<SynthesisStream>;
}

/** What the gateway calls: the same surface, with the choice of worker made by the fabric. */
export interface FabricClient extends Omit<WorkerEndpoint, 'status'> {
  workers(): readonly WorkerStatus[];
  /** Models served by at least one ready worker, de-duplicated by name and version. */
  models(): readonly ModelDescriptor[];
  close(): Promise<void>;
}
