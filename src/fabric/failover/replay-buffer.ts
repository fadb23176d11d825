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

export class ReplayBuffer {
  private items: ReplayItem[] = [];
  private readonly bytesPerSample: number;
  private readonly gridSamples: number;
  private readonly maxBytes: number;
  /** Samples dropped from the head: where a replay starts, on the stream's own timeline. */
  private trimmedSamples = 0;
  private bufferedBytes = 0;
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

  pushAudio(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.items.push({ kind: 'audio', bytes: bytes.slice() });
    this.bufferedBytes += bytes.length;
    if (this.bufferedBytes > this.maxBytes) {
      // Holding on would grow without bound: drop it all (the head moves on, so times stay
      // right) and stop failing over until a final ends past this point.
      this.overflowed = true;
      this.trimmedSamples += this.bufferedBytes / this.bytesPerSample;
      this.items = this.items.filter((i) => i.kind === 'control');
      this.bufferedBytes = 0;
    }
  }

  /**
   * No utterance is open: audio older than the last `keptS` is silence or noise the worker has
   * already passed over, so it need not be replayed. Keeps a silent stream's buffer small.
   */
  trimSilence(keptS: number): void {
    if (this.bufferedS <= 2 * keptS) return;
    this.trimTo(this.offsetS + this.bufferedS - keptS);
  }

  pushControl(message: StreamControl): void {
    this.items.push({ kind: 'control', message });
  }

  /**
   * A final ended at `endS` (stream time): drop the audio before it, on the grid. A `finalize`
   * sent before the final arrived is answered by it (the worker handles input in order), so
   * replaying it would cut the next utterance short; `close` always stays.
   */
  trimTo(endS: number): void {
    this.items = this.items.filter((i) => i.kind === 'audio' || i.message.type !== 'finalize');
    const target =
      Math.floor((endS * this.options.sampleRateHz) / this.gridSamples) * this.gridSamples;
    let dropSamples = target - this.trimmedSamples;
    if (dropSamples <= 0) return;
    // Everything after the head is held again: a replay from here loses nothing.
    this.overflowed = false;
    const kept: ReplayItem[] = [];
    for (const item of this.items) {
      if (dropSamples <= 0 || item.kind === 'control') {
        kept.push(item);
        continue;
      }
      const samples = item.bytes.length / this.bytesPerSample;
      if (samples <= dropSamples) {
        dropSamples -= samples;
        this.trimmedSamples += samples;
        this.bufferedBytes -= item.bytes.length;
        continue;
      }
      const cut = dropSamples * this.bytesPerSample;
      kept.push({ kind: 'audio', bytes: item.bytes.subarray(cut) });
      this.trimmedSamples += dropSamples;
      this.bufferedBytes -= cut;
      dropSamples = 0;
    }
    this.items = kept;
  }

  /** What to send a new worker, in order. */
  replay(): readonly ReplayItem[] {
    return this.items;
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
