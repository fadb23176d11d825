/**
 * Plays 16-bit little-endian PCM as it arrives (a streamed /v1/audio/speech response): each
 * chunk becomes an AudioBuffer scheduled right after the previous one, so playback starts with
 * the first sentence while later ones are still being synthesised.
 */

/** Scheduling lead, so the first chunk is not scheduled in the past. */
const LEAD_S = 0.05;

export class PcmStreamPlayer {
  private readonly context = new AudioContext();
  private nextStartS = 0;
  private carry: Uint8Array | undefined;
  private samplesPlayed = 0;
  private readonly ended: Promise<void>[] = [];

  constructor(private readonly sampleRateHz: number) {}

  /** Seconds of audio decoded and scheduled so far. */
  get durationS(): number {
    return this.samplesPlayed / this.sampleRateHz;
  }

  /** Schedules the whole samples in `bytes` (an odd trailing byte waits for the next chunk). */
  push(bytes: Uint8Array): void {
    const data = this.carry ? concat(this.carry, bytes) : bytes;
    const whole = data.length - (data.length % 2);
    this.carry = whole < data.length ? data.slice(whole) : undefined;
    if (whole === 0) return;
    const view = new DataView(data.buffer, data.byteOffset, whole);
    const buffer = this.context.createBuffer(1, whole / 2, this.sampleRateHz);
    const channel = buffer.getChannelData(0);
    for (let i = 0; i < channel.length; i++) channel[i] = view.getInt16(i * 2, true) / 0x8000;
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const startS = Math.max(this.context.currentTime + LEAD_S, this.nextStartS);
    source.start(startS);
    this.nextStartS = startS + buffer.duration;
    this.samplesPlayed += channel.length;
    this.ended.push(new Promise((resolve) => (source.onended = () => resolve())));
  }

  /** Settles when everything scheduled so far has played. */
  async finished(): Promise<void> {
    await Promise.all(this.ended);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
