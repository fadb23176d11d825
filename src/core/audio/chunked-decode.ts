/**
 * The loop every compressed decoder runs: feed the wasm decoder 64 KiB at a time, collect mono
 * samples under the duration limit, flush, free. Decoding runs on this thread, so the loop
 * yields to the event loop between chunks: an hour of MP3 must not stall live streams.
 */
import { VoxfleetError } from '../errors.js';
import { decoderFailure, type MonoCollector } from './audio-checks.js';

const DECODE_CHUNK_BYTES = 65_536;

export interface DecodedChunk {
  readonly channelData: Float32Array[];
  readonly samplesDecoded: number;
  readonly sampleRate: number;
  readonly errors?: readonly unknown[];
}

/** The shape shared by the @wasm-audio-decoders family and mpg123-decoder. */
export interface ChunkDecoder {
  readonly ready: Promise<void>;
  decode(chunk: Uint8Array): DecodedChunk | Promise<DecodedChunk>;
  flush?(): DecodedChunk | Promise<DecodedChunk>;
  free(): void;
}

export interface ChunkedDecodeOptions {
  /** Codec name for error messages ('FLAC', 'Ogg/Opus', 'MPEG audio'). */
  readonly codec: string;
  /** Keep only the first channel's data (a mono source the decoder reports as stereo). */
  readonly firstChannelOnly?: boolean;
}

/** Decodes `bytes` into `collector`; returns how many decode errors the decoder reported. */
export async function decodeInChunks(
  decoder: ChunkDecoder,
  bytes: Uint8Array,
  collector: MonoCollector,
  options: ChunkedDecodeOptions,
): Promise<number> {
  let decoderErrors = 0;
  const take = (out: DecodedChunk): void => {
    decoderErrors += out.errors?.length ?? 0;
    const channels =
      options.firstChannelOnly === true ? out.channelData.slice(0, 1) : out.channelData;
    collector.add(channels, out.samplesDecoded, out.sampleRate);
  };
  try {
    await decoder.ready;
    for (let i = 0; i < bytes.length; i += DECODE_CHUNK_BYTES) {
      // Some decoders are typed as synchronous but return a Promise at run time: await either.
      take(await decoder.decode(bytes.subarray(i, i + DECODE_CHUNK_BYTES)));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (decoder.flush !== undefined) take(await decoder.flush());
  } catch (err) {
    if (err instanceof VoxfleetError) throw err;
    throw decoderFailure(collector.lengthSamples, options.codec, err);
  } finally {
    decoder.free();
  }
  return decoderErrors;
}
