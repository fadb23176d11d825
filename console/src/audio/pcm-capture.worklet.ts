/**
 * Runs on the audio rendering thread: turns the microphone's float samples (already at the
 * AudioContext's rate, 16 kHz) into 16-bit PCM frames of 100 ms and posts each to the page,
 * which sends it over /v1/listen. Transferring the buffer avoids a copy per frame.
 */

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib: declare what is used.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, processor: typeof AudioWorkletProcessor): void;

const FRAME_MS = 100;

class PcmCaptureProcessor extends AudioWorkletProcessor {
  private readonly frameSamples = Math.round((sampleRate * FRAME_MS) / 1000);
  private frame = new Int16Array(this.frameSamples);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const samples = inputs[0]?.[0];
    if (samples === undefined) return true;
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i] ?? 0));
      this.frame[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frameSamples) {
        // Transferring detaches the buffer (its length becomes 0): start a fresh one.
        this.port.postMessage(this.frame.buffer, [this.frame.buffer]);
        this.frame = new Int16Array(this.frameSamples);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
