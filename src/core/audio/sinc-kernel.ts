/**
 * One shared libsamplerate converter for the whole process (per worker thread).
 *
 * What libsamplerate-js 2.1 does underneath, measured on this project's 2-core machine:
 * - `create()` builds a fresh module instance every call (wasm2js: the "wasm" is translated JS),
 *   synchronously, 10-50 ms of blocked event loop, with its own 26 MB heap (an ArrayBuffer).
 *   `destroy()` frees only the C converter state; the 26 MB go back when the object is garbage
 *   collected. Fifty live instances held 1.3 GB; after churn, RSS stayed at that peak.
 * - The module's `simple()` entry point is stateless: rates and converter type are arguments.
 *
 * So instead of one instance per stream we keep one instance and call `simple()` on blocks;
 * resampler.ts makes that streamable with overlapping blocks whose output matches one continuous
 * conversion. Creation cost and heap are paid once, and a stream holds only a few KB of history.
 *
 * Converter: SRC_SINC_FASTEST. 60 s of audio through the library's stateful API in 100 ms chunks,
 * 48 kHz → 16 kHz: FASTEST 0.88 s (69x real time), MEDIUM_QUALITY 1.87 s (32x); 16 → 24 kHz:
 * 0.51 s vs 0.78 s. FASTEST keeps 97 dB SNR over 80% of the band (libsamplerate's figures), ample
 * for speech models, so we take the 2x in throughput. Through resample() here: 48 → 16 kHz
 * 0.88 s, 44.1 → 16 kHz 0.76 s, 16 → 24 kHz 0.41 s per 60 s.
 */
export interface SincKernel {
  /**
   * Resamples one block of mono audio as a whole (libsamplerate's simple API: zero history
   * before, zero padding after). The result is a view into the converter's heap, valid until
   * the next call: copy what you need before calling again.
   */
  resampleBlock(input: Float32Array, inHz: number, outHz: number): Float32Array;
}

/** libsamplerate-js's transfer buffers hold this many floats, in and out. */
export const KERNEL_MAX_BLOCK_SAMPLES = 1_008_000;
/**
 * Half the FASTEST filter's length in input samples (zero crossings) when upsampling; it widens
 * by in/out when downsampling. Measured: a block's outputs match one whole-signal conversion
 * exactly once they are 20 input samples from both block edges (16 → 24 kHz, 8 → 16 kHz), and
 * 60 for 48 → 16 kHz; with 40 (48 → 16 kHz) they differ by up to 3e-4.
 */
export const FASTEST_HALF_LENGTH_ZERO_CROSSINGS = 20;

let loading: Promise<SincKernel> | undefined;
let loaded: SincKernel | undefined;

/** Loads the converter on first use (module import and instance creation), then reuses it. */
export function loadSincKernel(): Promise<SincKernel> {
  loading ??= createKernel().then(
    (kernel) => {
      loaded = kernel;
      return kernel;
    },
    (err: unknown) => {
      loading = undefined; // let a later call try again
      throw err;
    },
  );
  return loading;
}

/** The converter if it is already loaded, for callers that cannot wait. */
export function loadedSincKernel(): SincKernel | undefined {
  return loaded;
}

async function createKernel(): Promise<SincKernel> {
  const imported = await import('@alexanderolsen/libsamplerate-js');
  // A webpack UMD bundle: Node's ESM loader exposes it as `default` only, tsx as named exports.
  const lib =
    typeof (imported as Partial<typeof imported>).create === 'function'
      ? imported
      : imported.default;
  const converter = lib.ConverterType.SRC_SINC_FASTEST;
  const src = await lib.create(1, 48_000, 16_000, { converterType: converter });
  const mod = src.module;
  return {
    resampleBlock(input: Float32Array, inHz: number, outHz: number): Float32Array {
      const expectedOut = Math.ceil((input.length * outHz) / inHz) + 1;
      if (input.length > KERNEL_MAX_BLOCK_SAMPLES || expectedOut > KERNEL_MAX_BLOCK_SAMPLES) {
        throw new RangeError(
          `resampler block of ${input.length} samples exceeds the converter's buffers`,
        );
      }
      if (input.length === 0) return new Float32Array(0);
      // Fresh views each call: a heap growth would detach views taken earlier.
      mod.sourceArray(input.length).set(input);
      const frames = mod.simple(input.length, 1, converter, inHz, outHz);
      if (frames < 0) throw new Error(`libsamplerate failed with error ${-frames}`);
      return mod.targetArray(frames);
    },
  };
}
