/**
 * What a stream has sent since its last final: the audio (without a leading WAV header) and
 * the controls in the order they were sent. When the worker is lost, a new worker is given
 * exactly this, so no spoken word is lost; audio before the last final is never replayed, so no
 * final is produced twice. Positions are counted in samples from the start of the stream.
 */
import { BYTES_PER_SAMPLE, type RawEncoding, type StreamControl } from '../../core/index.js';

export type ReplayItem =
  | { readonly kind: 'audio'; readonly bytes: Uint8Array }
  | { readonly kind: 'control'; readonly message: StreamControl };

export interface ReplayBufferOptions {
  readonly encoding: RawEncoding;
  readonly sampleRateHz: number;
  /** Audio held at most; a stream that goes longer without a final cannot fail over. */
  readonly maxBufferedS: number;
  /**
   * Trim points are rounded down to this grid (ms from the stream start), so the replayed
   * audio meets the VAD's windows where the original did (silero: 512 samples = 32 ms at 16 kHz).
   */
  readonly trimGridMs: number;
}

/**
 * Audio is held in one contiguous, growing byte store per stream (compacted as the head moves
 * on), not as a copy per frame: a busy gateway holds seconds of audio for every stream, and
 * thousands of small long-lived copies a second were what its garbage collector spent its
 * pauses on (bench:fabric). Controls are kept with the stream position they were sent at.
 */
export class ReplayBuffer {
  private store = new Uint8Array(16 * 1024);
  /** Bytes of `store` in use: [head, tail). */
  private head = 0;
  private tail = 0;
  /** Controls with the stream byte position they were sent at, in order. */
  private controls: Array<{ readonly at: number; readonly message: StreamControl }> = [];
  private readonly bytesPerSample: number;
  private readonly gridSamples: number;
  private readonly maxBytes: number;
  /** Samples dropped from the head: where a replay starts, on the stream's own timeline. */
  private trimmedSamples = 0;
  private overflowed = false;

  constructor(private readonly options: ReplayBufferOptions) {
    this.bytesPerSample = BYTES_PER_SAMPLE[options.encoding];
    this.gridSamples = Math.max(1, Math.round((options.sampleRateHz * options.trimGridMs) / 1000));
    this.maxBytes = options.maxBufferedS * options.sampleRateHz * this.bytesPerSample;
  }

  /** Seconds of the stream before the buffer's head: add to a replaying session's times. */
  get offsetS(): number {
    return this.trimmedSamples / this.options.sampleRateHz;
  }

  /**
   * False from the moment more than `maxBufferedS` of audio was held (one utterance that long)
   * until a final ends past what was dropped then.
   */
  get replayable(): boolean {
    return !this.overflowed;
  }

  /** Seconds of audio held. */
  get bufferedS(): number {
    return this.bufferedBytes / this.bytesPerSample / this.options.sampleRateHz;
  }

  private get bufferedBytes(): number {
    return this.tail - this.head;
  }

  /** Stream byte position of the head. */
  private get headAt(): number {
    return this.trimmedSamples * this.bytesPerSample;
  }

  pushAudio(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.bufferedBytes + bytes.length > this.maxBytes) {
      // Holding on would grow without bound: drop it all (the head moves on, so times stay
      // right) and stop failing over until a final ends past this point.
      this.overflowed = true;
      this.trimmedSamples += (this.bufferedBytes + bytes.length) / this.bytesPerSample;
      this.head = this.tail = 0;
      return;
    }
    this.makeRoom(bytes.length);
    this.store.set(bytes, this.tail);
    this.tail += bytes.length;
  }

  /**
   * No utterance is open: audio older than the last `keptS` is silence or noise the worker has
   * already passed over, so it need not be replayed. Keeps a silent stream's buffer small.
   */
  trimSilence(keptS: number): void {
    // A second of slack, so the store is not compacted on every frame.
    if (this.bufferedS <= keptS + 1) return;
    this.trimTo(this.offsetS + this.bufferedS - keptS);
  }

  pushControl(message: StreamControl): void {
    this.controls.push({ at: this.headAt + this.bufferedBytes, message });
  }

  /**
   * A final ended at `endS` (stream time): drop the audio before it, on the grid. A `finalize`
   * sent before the final arrived is answered by it (the worker handles input in order), so
   * replaying it would cut the next utterance short; `close` always stays.
   */
  trimTo(endS: number): void {
    this.controls = this.controls.filter((c) => c.message.type !== 'finalize');
    const target =
      Math.floor((endS * this.options.sampleRateHz) / this.gridSamples) * this.gridSamples;
    const dropSamples = Math.min(
      target - this.trimmedSamples,
      this.bufferedBytes / this.bytesPerSample,
    );
    if (target - this.trimmedSamples <= 0) return;
    // Everything after the head is held again: a replay from here loses nothing.
    this.overflowed = false;
    this.head += dropSamples * this.bytesPerSample;
    this.trimmedSamples += dropSamples;
  }

  /** What to send a new worker, in order: audio (views into the store) and controls. */
  replay(): readonly ReplayItem[] {
    const items: ReplayItem[] = [];
    let at = this.headAt;
    const end = this.headAt + this.bufferedBytes;
    for (const c of this.controls) {
      const upTo = Math.min(Math.max(c.at, at), end);
      if (upTo > at) items.push({ kind: 'audio', bytes: this.view(at, upTo) });
      at = upTo;
      items.push({ kind: 'control', message: c.message });
    }
    if (end > at) items.push({ kind: 'audio', bytes: this.view(at, end) });
    return items;
  }

  /** Stream bytes [from, to) as a view into the store. */
  private view(from: number, to: number): Uint8Array {
    const offset = this.head + (from - this.headAt);
    return this.store.subarray(offset, offset + (to - from));
  }

  /**
   * Room for `extra` more bytes. Moving the live bytes to the front is preferred while they fill
   * at most three quarters of the store; past that the store grows to one and a half times what
   * is live, so neither a copy nor a new store is needed on every frame.
   */
  private makeRoom(extra: number): void {
    if (this.tail + extra <= this.store.length) return;
    const live = this.bufferedBytes;
    if (live + extra <= this.store.length * 0.75) {
      this.store.copyWithin(0, this.head, this.tail);
    } else {
      const grown = new Uint8Array(Math.ceil(((live + extra) * 1.5) / 4096) * 4096);
      grown.set(this.store.subarray(this.head, this.tail));
      this.store = grown;
    }
    this.head = 0;
    this.tail = live;
  }
}

/**
 * The length of a RIFF/WAVE header at the start of a stream's first frame (0 if none). The
 * worker strips it too; the buffer keeps only audio so its sample positions match the worker's.
 */
export function wavHeaderLength(frame: Uint8Array): number {
  if (frame.length < 12 || ascii(frame, 0) !== 'RIFF' || ascii(frame, 8) !== 'WAVE') return 0;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let offset = 12;
  for (let n = 0; n < 16 && offset + 8 <= frame.length; n++) {
    if (ascii(frame, offset) === 'data') return offset + 8;
    const size = view.getUint32(offset + 4, true);
    offset += 8 + size + (size % 2);
  }
  // Malformed: the worker refuses the stream, so there is nothing to replay anyway.
  return 0;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}
