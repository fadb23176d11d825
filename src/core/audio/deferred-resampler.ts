/**
 * A stream resampler for callers that must stay synchronous (the speech encoders): it starts
 * loading the shared kernel when created and holds input until the kernel is there. The kernel
 * is built synchronously inside libsamplerate-js's create() and its promise settles within a few
 * microtasks, after the first-ever module import, so by the time synthesised audio arrives (an
 * engine call away) it is ready; until then input is kept, not lost.
 */
import { VoxfleetError } from '../errors.js';
import { SincStreamResampler, type StreamResampler } from './resampler.js';
import { loadSincKernel, loadedSincKernel } from './sinc-kernel.js';

export class DeferredResampler {
  private pending: Float32Array[] = [];
  private stream: StreamResampler | undefined;

  constructor(
    readonly inputRateHz: number,
    readonly outputRateHz: number,
  ) {
    // A failed load shows up in end(); nothing is lost by ignoring it here.
    loadSincKernel().catch(() => undefined);
  }

  push(samples: Float32Array): Float32Array {
    const stream = this.open();
    if (stream === undefined) {
      this.pending.push(samples.slice());
      return new Float32Array(0);
    }
    return concat([...this.drainPending(stream), stream.push(samples)]);
  }

  /** The rest of the stream. Throws NOT_READY if the kernel never loaded (a synchronous caller). */
  end(): Float32Array {
    const stream = this.open();
    if (stream === undefined) {
      if (this.pending.length === 0) return new Float32Array(0);
      throw new VoxfleetError(
        'NOT_READY',
        'the resampler was still loading when the audio ended; retry the request',
      );
    }
    return concat([...this.drainPending(stream), stream.flush()]);
  }

  private open(): StreamResampler | undefined {
    if (this.stream === undefined) {
      const kernel = loadedSincKernel();
      if (kernel !== undefined)
        this.stream = new SincStreamResampler(kernel, this.inputRateHz, this.outputRateHz);
    }
    return this.stream;
  }

  private drainPending(stream: StreamResampler): Float32Array[] {
    const out = this.pending.map((chunk) => stream.push(chunk));
    this.pending = [];
    return out;
  }
}

export function concat(chunks: readonly Float32Array[]): Float32Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
