/**
 * Streaming mono 16-bit FLAC through libflacjs (libFLAC 1.3.4 built with emscripten).
 *
 * What goes out, in order:
 * - at the first push: `fLaC`, STREAMINFO and a VORBIS_COMMENT (libFLAC's vendor string);
 * - a frame each time libFLAC has a whole block (4096 samples at compression level 5, 186 ms at
 *   22.05 kHz; it waits for one sample past the block, so a frame leaves with the push after
 *   the one that completed its block);
 * - at end(): the last, shorter frame.
 * STREAMINFO is written before the audio exists and a stream cannot seek back to fix it, so it
 * says total_samples 0 ("unknown"), min/max frame size 0 ("unknown") and an all-zero MD5 ("not
 * computed"). The FLAC format allows all three; decoders then read frames to the end (ffmpeg,
 * libFLAC, @wasm-audio-decoders/flac do). Every frame carries its own CRC-16, so the stream stays
 * checked. This is what `flac -` writes to a pipe.
 *
 * Build: the package's plain-JS (wasm2js) build, `dist/libflac.js`. Its `.wasm` builds come from
 * an emscripten that fetches the `.wasm` by path with `fetch` whenever a global `fetch` exists,
 * which fails on Node >= 18 ("Failed to parse URL"), and working around that means hiding a
 * global. The JS build reads nothing, adds no globals or process listeners, and is ready a few
 * ms after import. Measured on this project's (busy) 2-core machine, 10 s of 22.05 kHz audio in
 * 100 ms pushes: 25-35 ms once warm, ~200 ms the first time while V8 compiles the 1 MB module
 * (lamejs MP3: 350-450 ms). The `.wasm` build is about 2x faster once loaded.
 *
 * The library loads lazily, once per process (per worker thread); until it is ready, pushed
 * samples are kept, like DeferredResampler does. The native encoder lives in the library's heap:
 * it is created at the first push and freed at end(); a stream that is dropped without end()
 * (a cancelled request) is freed when its encoder object is garbage collected.
 */
import { createRequire } from 'node:module';
import type { Flac } from 'libflacjs';
import { VoxfleetError } from '../errors.js';
import { concatBytes } from './mp3-encoder.js';
import { floatToInt16 } from './wav-writer.js';

/** The plain-JS build; see the module comment for why not the `.wasm` ones. */
const FLAC_LIBRARY = 'libflacjs/dist/libflac.js';
/** libFLAC's default: blocks of 4096 samples, LPC up to order 8. */
const COMPRESSION_LEVEL = 5;
const BITS_PER_SAMPLE = 16;
/** FLAC's own limit; the streamable subset further needs the rate codable in a frame header. */
const MAX_FLAC_RATE_HZ = 655_350;

export interface FlacStreamEncoder {
  /** Encodes the next samples; returns the bytes ready now (the headers at the first push). */
  push(samples: Float32Array): Uint8Array;
  /** Finishes the stream (the last frame) and frees the native encoder. */
  end(): Uint8Array;
}

/**
 * Rates a streamable FLAC frame header can carry: any integer up to 65535 Hz, multiples of 10 Hz
 * above (libFLAC refuses others unless it may write a non-streamable file).
 */
export function isFlacRate(sampleRateHz: number): boolean {
  return (
    Number.isInteger(sampleRateHz) &&
    sampleRateHz > 0 &&
    sampleRateHz <= MAX_FLAC_RATE_HZ &&
    (sampleRateHz <= 0xffff || sampleRateHz % 10 === 0)
  );
}

let loading: Promise<Flac> | undefined;
let loaded: Flac | undefined;

/** Loads libFLAC on first use and resolves once it is ready; later calls share it. */
export function loadFlacLibrary(): Promise<Flac> {
  loading ??= new Promise<Flac>((resolve) => {
    const flac = createRequire(import.meta.url)(FLAC_LIBRARY) as Flac;
    if (flac.isReady()) resolve(flac);
    else flac.on('ready', () => resolve(flac));
  }).then(
    (flac) => {
      loaded = flac;
      return flac;
    },
    (err: unknown) => {
      loading = undefined; // let a later call try again
      throw err;
    },
  );
  return loading;
}

/** Native encoders created and not yet freed (for tests and leak checks). */
let liveNativeEncoders = 0;

export function liveFlacEncoderCount(): number {
  return liveNativeEncoders;
}

/** Frees the native encoder of a stream dropped without end(). */
const abandoned = new FinalizationRegistry<number>((id) => {
  if (loaded !== undefined) freeNativeEncoder(loaded, id);
});

/**
 * A streaming encoder for mono float PCM at `sampleRateHz` (see isFlacRate). Starts loading the
 * library if that has not happened yet.
 */
export function createFlacStreamEncoder(sampleRateHz: number): FlacStreamEncoder {
  if (!isFlacRate(sampleRateHz)) throw new RangeError(`FLAC cannot carry ${sampleRateHz} Hz`);
  // A failed load shows up in end(); nothing is lost by ignoring it here.
  loadFlacLibrary().catch(() => undefined);

  // The library keeps the write callback until the native encoder is freed, so that callback is
  // made in openNativeEncoder and holds only `output`: if it could reach `encoder`, a dropped
  // stream would never be collected and the finalizer never run.
  const output: Uint8Array[] = [];
  const pending: Int32Array<ArrayBuffer>[] = [];
  let id: number | undefined;
  let ended = false;

  const takeOutput = (): Uint8Array => concatBytes(output.splice(0, output.length));

  /** The native encoder, created on first use; undefined while the library is still loading. */
  const open = (): number | undefined => {
    if (id !== undefined || loaded === undefined) return id;
    id = openNativeEncoder(loaded, sampleRateHz, output);
    abandoned.register(encoder, id, encoder);
    return id;
  };

  const encodeInto = (flac: Flac, native: number, pcm: Int32Array<ArrayBuffer>): void => {
    if (pcm.length === 0) return;
    if (!flac.FLAC__stream_encoder_process_interleaved(native, pcm, pcm.length))
      fail(flac, native, 'encoding');
  };

  const encoder: FlacStreamEncoder = {
    push(samples) {
      if (ended) throw new Error('FLAC stream already ended');
      const pcm = new Int32Array(floatToInt16(samples));
      const native = open();
      if (native === undefined || loaded === undefined) {
        pending.push(pcm);
        return new Uint8Array(0);
      }
      for (const held of pending.splice(0, pending.length)) encodeInto(loaded, native, held);
      encodeInto(loaded, native, pcm);
      return takeOutput();
    },
    end() {
      if (ended) return new Uint8Array(0);
      const native = open();
      if (native === undefined || loaded === undefined) {
        throw new VoxfleetError(
          'NOT_READY',
          'the FLAC encoder was still loading when the audio ended; retry the request',
        );
      }
      ended = true;
      abandoned.unregister(encoder);
      try {
        for (const held of pending.splice(0, pending.length)) encodeInto(loaded, native, held);
        if (!loaded.FLAC__stream_encoder_finish(native)) fail(loaded, native, 'finishing');
      } finally {
        freeNativeEncoder(loaded, native);
      }
      return takeOutput();
    },
  };
  return encoder;
}

/** Creates and initialises a libFLAC stream encoder; the headers reach `output` at once. */
function openNativeEncoder(flac: Flac, sampleRateHz: number, output: Uint8Array[]): number {
  // total_samples 0 (unknown), no verify pass (it doubles the work), libFLAC picks the block size.
  const id = flac.create_libflac_encoder(
    sampleRateHz,
    1,
    BITS_PER_SAMPLE,
    COMPRESSION_LEVEL,
    0,
    false,
    0,
  );
  if (id === 0) throw new Error(`libFLAC refused an encoder at ${sampleRateHz} Hz`);
  liveNativeEncoders++;
  // The library hands over a copy of each write, so keeping `data` is safe.
  const status = flac.init_encoder_stream(id, (data) => {
    output.push(data);
  });
  if (status !== 0) {
    freeNativeEncoder(flac, id);
    throw new Error(
      `libFLAC could not start a stream at ${sampleRateHz} Hz (init status ${status})`,
    );
  }
  return id;
}

/** Finishes (a no-op once finished) and deletes; finishing first keeps a pending frame's write
 *  from reaching a callback the library has already dropped (it would log the failure). */
function freeNativeEncoder(flac: Flac, id: number): void {
  flac.FLAC__stream_encoder_finish(id);
  flac.FLAC__stream_encoder_delete(id);
  liveNativeEncoders--;
}

function fail(flac: Flac, id: number, stage: string): never {
  throw new Error(
    `libFLAC failed while ${stage} (encoder state ${flac.FLAC__stream_encoder_get_state(id)})`,
  );
}
