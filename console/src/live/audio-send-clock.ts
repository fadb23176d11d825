/**
 * When each moment of the stream's audio left the browser, so that latencies can be measured
 * against the audio's own clock: a final's latency is its arrival minus the time the audio at
 * its `end_s` was sent (the endpointing silence included), as the server's metric defines it.
 */
export class AudioSendClock {
  /** End of each sent frame in audio seconds, and when it was sent (performance.now()). */
  private readonly endsS: number[] = [];
  private readonly sentAtMs: number[] = [];
  private totalS = 0;

  recordFrame(durationS: number, sentAtMs: number): void {
    this.totalS += durationS;
    this.endsS.push(this.totalS);
    this.sentAtMs.push(sentAtMs);
  }

  /** When the frame holding audio second `s` was sent, or undefined if it was not sent yet. */
  sentAt(s: number): number | undefined {
    let lo = 0;
    let hi = this.endsS.length - 1;
    if (hi < 0 || s > (this.endsS[hi] ?? 0)) return undefined;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.endsS[mid] ?? 0) >= s) hi = mid;
      else lo = mid + 1;
    }
    return this.sentAtMs[lo];
  }
}
