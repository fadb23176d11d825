/**
 * The limit checks every decoder applies, and the collector compressed decoders feed chunk by
 * chunk so that memory stays bounded by `limits.maxDurationS` whatever a header claims.
 */
import { VoxfleetError } from '../errors.js';
import { mixPlanarToMono } from './pcm-samples.js';
import type { AudioLimits } from './types.js';

/** Lowest and highest source sample rates we decode (the resampler's range is 1-192000 Hz). */
export const MIN_SOURCE_RATE_HZ = 1000;
export const MAX_SOURCE_RATE_HZ = 192_000;

export function checkChannels(channels: number, limits: AudioLimits, what: string): void {
  if (channels > limits.maxChannels) {
    throw new VoxfleetError(
      'AUDIO_TOO_MANY_CHANNELS',
      `${what} has ${channels} channels; at most ${limits.maxChannels} are accepted`,
    );
  }
}

export function checkDuration(durationS: number, limits: AudioLimits, what: string): void {
  if (durationS > limits.maxDurationS) {
    throw new VoxfleetError(
      'AUDIO_TOO_LONG',
      `${what} lasts ${formatSeconds(durationS)} s; at most ${limits.maxDurationS} s is accepted`,
    );
  }
}

export function checkSourceRate(sampleRateHz: number, what: string): void {
  if (!Number.isInteger(sampleRateHz) || sampleRateHz <= 0) {
    throw new VoxfleetError(
      'AUDIO_NOT_AUDIO',
      `${what} declares an invalid sample rate (${sampleRateHz})`,
    );
  }
  if (sampleRateHz < MIN_SOURCE_RATE_HZ || sampleRateHz > MAX_SOURCE_RATE_HZ) {
    throw new VoxfleetError(
      'AUDIO_UNSUPPORTED_ENCODING',
      `${what} has a sample rate of ${sampleRateHz} Hz; supported rates are ${MIN_SOURCE_RATE_HZ}-${MAX_SOURCE_RATE_HZ} Hz`,
    );
  }
}

/**
 * A decoder that throws mid-file: with some audio already out the file is cut short or damaged
 * (AUDIO_TRUNCATED); failing on the very first frame means it was never valid (AUDIO_NOT_AUDIO).
 */
export function decoderFailure(
  decodedSamples: number,
  container: string,
  cause: unknown,
): VoxfleetError {
  return decodedSamples > 0
    ? new VoxfleetError(
        'AUDIO_TRUNCATED',
        `the ${container} decoder failed after ${decodedSamples} samples: the file is cut short or damaged`,
        {},
        { cause },
      )
    : new VoxfleetError(
        'AUDIO_NOT_AUDIO',
        `the ${container} decoder failed on the first frame: not valid ${container}`,
        {},
        { cause },
      );
}

export function formatSeconds(durationS: number): string {
  return durationS >= 100 ? durationS.toFixed(0) : durationS.toFixed(2);
}

/**
 * Gathers decoder output as mono, refusing to grow past the duration limit. Chunks are kept as
 * they come and joined once at the end.
 */
export class MonoCollector {
  private readonly chunks: Float32Array[] = [];
  private total = 0;
  private rateHz = 0;

  constructor(
    private readonly limits: AudioLimits,
    private readonly what: string,
  ) {}

  get lengthSamples(): number {
    return this.total;
  }

  get sampleRateHz(): number {
    return this.rateHz;
  }

  /** Adds `length` samples of planar decoder output, mixed down to mono. */
  add(channelData: readonly Float32Array[], length: number, sampleRateHz: number): void {
    if (length <= 0) return;
    if (this.rateHz === 0) this.rateHz = sampleRateHz;
    else if (sampleRateHz !== this.rateHz) {
      throw new VoxfleetError(
        'AUDIO_UNSUPPORTED_ENCODING',
        `${this.what} changes sample rate mid-stream (${this.rateHz} Hz to ${sampleRateHz} Hz)`,
      );
    }
    checkDuration((this.total + length) / this.rateHz, this.limits, this.what);
    const mono = mixPlanarToMono(channelData, length);
    // Copy when the mix handed back the decoder's own array: decoders may reuse that memory.
    this.chunks.push(mono === channelData[0] ? mono.slice() : mono);
    this.total += length;
  }

  /** All samples, cut to at most `maxSamples` when given (container-declared end trimming). */
  finish(maxSamples = Infinity): Float32Array {
    const length = Math.min(this.total, maxSamples);
    const out = new Float32Array(length);
    let offset = 0;
    for (const chunk of this.chunks) {
      if (offset >= length) break;
      const n = Math.min(chunk.length, length - offset);
      out.set(n === chunk.length ? chunk : chunk.subarray(0, n), offset);
      offset += n;
    }
    this.chunks.length = 0;
    return out;
  }
}
