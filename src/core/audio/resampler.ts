/**
 * Sample-rate conversion (libsamplerate sinc, through the shared kernel in sinc-kernel.ts).
 *
 * Streaming without per-stream converter state: the kernel converts whole blocks, and a block's
 * output is identical to one continuous conversion wherever the filter sees only real input,
 * i.e. at least `contextIn` input samples away from both block edges, provided the block starts
 * on the output grid (an input index that is a multiple of inHz/gcd). So each stream keeps the
 * input it has not fully used, converts [aligned start - context .. newest], and emits only the
 * outputs whose right-hand context has arrived. Latency is that context: 27 input samples when
 * upsampling (1.7 ms at 16 kHz), 25 * in/out + 2 when downsampling (1.6 ms for 48 → 16 kHz),
 * about what a stateful converter holds back too. The extra work is re-reading the context on
 * each push: 20 ms pushes at 48 → 16 kHz take 1.04 s per 60 s of audio vs 0.88 s in one go.
 */
import { invalidArgument } from '../errors.js';
import {
  FASTEST_HALF_LENGTH_ZERO_CROSSINGS,
  loadSincKernel,
  type SincKernel,
} from './sinc-kernel.js';
import type { PcmAudio } from './types.js';

export interface StreamResampler {
  readonly inputRateHz: number;
  readonly outputRateHz: number;
  /** Converts the next input; returns what is ready (possibly nothing). */
  push(samples: Float32Array): Float32Array;
  /** Ends the stream: returns the rest, so the total is round(inputSamples * out / in). */
  flush(): Float32Array;
  /** Drops the stream's buffers. The shared converter stays loaded; nothing else to free. */
  destroy(): void;
}

/** Rates the converter accepts. */
export const MIN_RESAMPLE_RATE_HZ = 1;
export const MAX_RESAMPLE_RATE_HZ = 192_000;
/** Most output produced per kernel call; keeps each block well inside the kernel's buffers. */
const MAX_OUT_PER_BLOCK = 131_072;
/** Input samples per push when resample() feeds a whole file through a stream. */
const ONE_SHOT_CHUNK_SAMPLES = 131_072;

/** A streaming converter from `inHz` to `outHz`; loads the shared kernel on first use. */
export async function createStreamResampler(inHz: number, outHz: number): Promise<StreamResampler> {
  checkRate(inHz);
  checkRate(outHz);
  if (inHz === outHz) return new PassThroughResampler(inHz);
  return new SincStreamResampler(await loadSincKernel(), inHz, outHz);
}

/** Converts a whole signal. Returns `audio` itself when the rate already matches. */
export async function resample(audio: PcmAudio, targetHz: number): Promise<PcmAudio> {
  checkRate(targetHz);
  if (audio.sampleRateHz === targetHz) return audio;
  const stream = await createStreamResampler(audio.sampleRateHz, targetHz);
  const input = audio.samples;
  const out = new Float32Array(expectedOutputLength(input.length, audio.sampleRateHz, targetHz));
  let written = 0;
  const put = (chunk: Float32Array): void => {
    out.set(chunk.subarray(0, out.length - written), written);
    written += Math.min(chunk.length, out.length - written);
  };
  for (let i = 0; i < input.length; i += ONE_SHOT_CHUNK_SAMPLES) {
    put(stream.push(input.subarray(i, i + ONE_SHOT_CHUNK_SAMPLES)));
    // The converter runs on this thread (~15 ms per 131k samples): yield between blocks so a long
    // upload does not stall live streams for seconds.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  put(stream.flush());
  stream.destroy();
  return { samples: out, sampleRateHz: targetHz };
}

/**
 * Loads the shared converter now. Call it at startup where synchronous encoders will resample
 * (TTS `pcm` output from a 22.05 kHz voice), so the first request never waits for the import.
 */
export async function preloadResampler(): Promise<void> {
  await loadSincKernel();
}

/** Output length of a complete conversion. */
export function expectedOutputLength(inputSamples: number, inHz: number, outHz: number): number {
  return Math.round((inputSamples * outHz) / inHz);
}

function checkRate(rateHz: number): void {
  if (!Number.isInteger(rateHz) || rateHz < MIN_RESAMPLE_RATE_HZ || rateHz > MAX_RESAMPLE_RATE_HZ) {
    throw invalidArgument(
      'sample_rate',
      `must be an integer from ${MIN_RESAMPLE_RATE_HZ} to ${MAX_RESAMPLE_RATE_HZ} Hz`,
      rateHz,
    );
  }
}

type StreamState = 'open' | 'flushed' | 'destroyed';

function checkUsable(state: StreamState, verb: string): void {
  if (state !== 'open')
    throw new Error(
      `StreamResampler.${verb}() called after ${state === 'flushed' ? 'flush()' : 'destroy()'}`,
    );
}

class PassThroughResampler implements StreamResampler {
  private state: StreamState = 'open';
  constructor(readonly inputRateHz: number) {}
  get outputRateHz(): number {
    return this.inputRateHz;
  }
  push(samples: Float32Array): Float32Array {
    checkUsable(this.state, 'push');
    return samples;
  }
  flush(): Float32Array {
    checkUsable(this.state, 'flush');
    this.state = 'flushed';
    return new Float32Array(0);
  }
  destroy(): void {
    this.state = 'destroyed';
  }
}

/**
 * Overlapping-block streaming converter. Positions are absolute sample indices since the start
 * of the stream; output k sits at input time k * inHz / outHz = k * periodIn / periodOut.
 */
export class SincStreamResampler implements StreamResampler {
  private readonly periodIn: number;
  private readonly periodOut: number;
  /** Input samples of filter context needed on each side of an output instant. */
  private readonly contextIn: number;
  private readonly maxOutPerBlock: number;
  private buffer = new Float32Array(0);
  /** Absolute index of buffer[0]; always a multiple of periodIn. */
  private bufferStart = 0;
  private bufferLength = 0;
  private totalIn = 0;
  private nextOut = 0;
  private state: StreamState = 'open';

  constructor(
    private readonly kernel: SincKernel,
    readonly inputRateHz: number,
    readonly outputRateHz: number,
  ) {
    const divisor = gcd(inputRateHz, outputRateHz);
    this.periodIn = inputRateHz / divisor;
    this.periodOut = outputRateHz / divisor;
    // 25% over the measured half length (see sinc-kernel.ts); resampler.test.ts checks the
    // result against one whole-signal conversion.
    this.contextIn =
      Math.ceil(
        1.25 * FASTEST_HALF_LENGTH_ZERO_CROSSINGS * Math.max(1, inputRateHz / outputRateHz),
      ) + 2;
    this.maxOutPerBlock = MAX_OUT_PER_BLOCK;
  }

  push(samples: Float32Array): Float32Array {
    checkUsable(this.state, 'push');
    this.append(samples);
    // Output k is ready once input up to floor(time(k)) + contextIn + 1 exists.
    const readyLimit = (this.totalIn - this.contextIn - 1) * this.periodOut;
    const end = readyLimit > 0 ? Math.ceil(readyLimit / this.periodIn) : 0;
    return this.emitUpTo(end, false);
  }

  flush(): Float32Array {
    checkUsable(this.state, 'flush');
    this.state = 'flushed';
    const out = this.emitUpTo(Math.round((this.totalIn * this.periodOut) / this.periodIn), true);
    this.release();
    return out;
  }

  destroy(): void {
    this.state = 'destroyed';
    this.release();
  }

  private release(): void {
    this.buffer = new Float32Array(0);
    this.bufferLength = 0;
  }

  private append(samples: Float32Array): void {
    const needed = this.bufferLength + samples.length;
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2, 4096));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    this.buffer.set(samples, this.bufferLength);
    this.bufferLength = needed;
    this.totalIn += samples.length;
  }

  private emitUpTo(end: number, final: boolean): Float32Array {
    if (end <= this.nextOut) return new Float32Array(0);
    const out = new Float32Array(end - this.nextOut);
    let written = 0;
    while (this.nextOut < end) {
      const stop = Math.min(end, this.nextOut + this.maxOutPerBlock);
      // Aligned block start at least contextIn before the first output's instant.
      const blockIndex = Math.max(
        0,
        Math.floor(
          (this.nextOut * this.periodIn - this.contextIn * this.periodOut) /
            (this.periodIn * this.periodOut),
        ),
      );
      const blockStart = blockIndex * this.periodIn;
      const outBase = blockIndex * this.periodOut;
      const blockEnd =
        Math.floor(((stop - 1) * this.periodIn) / this.periodOut) + this.contextIn + 2;
      const converted = this.kernel.resampleBlock(
        this.block(blockStart, blockEnd, final),
        this.inputRateHz,
        this.outputRateHz,
      );
      const from = this.nextOut - outBase;
      const to = stop - outBase;
      if (converted.length < to) {
        throw new Error(`resampler block gave ${converted.length} samples, ${to} were needed`);
      }
      out.set(converted.subarray(from, to), written);
      written += to - from;
      this.nextOut = stop;
    }
    this.dropUsedInput();
    return out;
  }

  /** Input [start, end) in absolute indices; past the input's end only when final, as zeros. */
  private block(start: number, end: number, final: boolean): Float32Array {
    const available = this.bufferStart + this.bufferLength;
    if (start < this.bufferStart || (!final && end > available)) {
      throw new Error(
        `resampler block [${start}, ${end}) outside buffered input [${this.bufferStart}, ${available})`,
      );
    }
    const from = start - this.bufferStart;
    if (end <= available) return this.buffer.subarray(from, end - this.bufferStart);
    const padded = new Float32Array(end - start);
    padded.set(this.buffer.subarray(from, this.bufferLength));
    return padded;
  }

  /** Keeps input from the aligned start the next block will need; the rest is dropped. */
  private dropUsedInput(): void {
    const keepIndex = Math.max(
      0,
      Math.floor(
        (this.nextOut * this.periodIn - this.contextIn * this.periodOut) /
          (this.periodIn * this.periodOut),
      ),
    );
    const keepFrom = Math.min(keepIndex * this.periodIn, this.bufferStart + this.bufferLength);
    const drop = keepFrom - this.bufferStart;
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart += drop;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
