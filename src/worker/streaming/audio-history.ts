/**
 * The recent audio of one stream at the model rate, addressed by absolute sample index, with
 * the wall-clock time each sample arrived (for final-after-end-of-speech latency). Old audio
 * is dropped so memory stays bounded whatever the stream's length.
 */
export class AudioHistory {
  private buffer: Float32Array;
  private startSample = 0; // absolute index of buffer[0]
  private length = 0;
  private readonly arrivals: { endSample: number; wallMs: number }[] = [];

  constructor(private readonly keepSamples: number) {
    this.buffer = new Float32Array(Math.max(1024, keepSamples * 2));
  }

  /** Absolute index one past the newest sample. */
  get endSample(): number {
    return this.startSample + this.length;
  }

  append(samples: Float32Array, wallMs: number): void {
    if (this.length + samples.length > this.buffer.length) this.compact(samples.length);
    this.buffer.set(samples, this.length);
    this.length += samples.length;
    this.arrivals.push({ endSample: this.endSample, wallMs });
  }

  /** Copies [from, to) clipped to what is still held. */
  slice(fromSample: number, toSample: number): Float32Array {
    const a = Math.max(fromSample, this.startSample) - this.startSample;
    const b = Math.min(toSample, this.endSample) - this.startSample;
    return b > a ? this.buffer.slice(a, b) : new Float32Array(0);
  }

  /** When the sample at `index` arrived, or undefined if that is no longer known. */
  arrivalOf(index: number): number | undefined {
    return this.arrivals.find((a) => a.endSample > index)?.wallMs;
  }

  private compact(incoming: number): void {
    const keep = Math.min(this.length, this.keepSamples);
    const drop = this.length - keep;
    const needed = keep + incoming;
    const next = needed > this.buffer.length ? new Float32Array(needed * 2) : this.buffer;
    next.set(this.buffer.subarray(drop, this.length), 0);
    this.buffer = next;
    this.startSample += drop;
    this.length = keep;
    while (this.arrivals.length > 0 && (this.arrivals[0]?.endSample ?? 0) <= this.startSample)
      this.arrivals.shift();
  }
}
