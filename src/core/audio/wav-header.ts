/**
 * RIFF/RF64 WAVE header parsing: a flat, bounded walk over the top-level chunks that finds 'fmt '
 * and 'data'. Nothing is recursed into (LIST and friends are skipped whole), every step moves
 * forward by at least 8 bytes, and declared sizes are only compared, never allocated.
 */
import { VoxfleetError } from '../errors.js';

export interface WavHeader {
  /** Format code, with WAVE_FORMAT_EXTENSIBLE resolved to its sub-format. */
  readonly formatCode: number;
  readonly extensible: boolean;
  readonly channels: number;
  readonly sampleRateHz: number;
  readonly bitsPerSample: number;
  readonly blockAlignBytes: number;
  /** Where the sample bytes start. */
  readonly dataOffset: number;
  /** Size the 'data' chunk declares; undefined when the writer did not know it (streamed WAV). */
  readonly declaredDataBytes: number | undefined;
  /** Sample bytes actually present: from dataOffset to the end of the chunk or of the file. */
  readonly availableDataBytes: number;
}

export const WAVE_FORMAT = Object.freeze({
  PCM: 0x0001,
  IEEE_FLOAT: 0x0003,
  ALAW: 0x0006,
  MULAW: 0x0007,
  EXTENSIBLE: 0xfffe,
});

/** Most top-level chunks read before giving up: real files have a handful. */
const MAX_CHUNKS = 4096;
/** Size fields that writers use for "unknown, read to the end" when streaming. */
const UNKNOWN_SIZE_SENTINELS = new Set([0xffffffff, 0]);
/** The GUID tail shared by every KSDATAFORMAT_SUBTYPE_* that wraps a plain format code. */
const KSDATAFORMAT_TAIL = [
  0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71,
];

interface FmtChunk {
  formatCode: number;
  extensible: boolean;
  channels: number;
  sampleRateHz: number;
  blockAlignBytes: number;
  bitsPerSample: number;
}

/** Parses a buffer that starts with RIFF/RF64/BW64 ... WAVE. */
export function parseWavHeader(bytes: Uint8Array): WavHeader {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isRf64 = ascii(bytes, 0, 4) !== 'RIFF';
  let fmt: FmtChunk | undefined;
  let ds64DataBytes: number | undefined;
  let data: { offset: number; declared: number | undefined; available: number } | undefined;
  let pos = 12;
  for (let count = 0; pos + 8 <= bytes.length; count++) {
    if (count >= MAX_CHUNKS)
      throw notAudio(`WAV file has more than ${MAX_CHUNKS} chunks before its audio`);
    const id = ascii(bytes, pos, 4);
    const size = dv.getUint32(pos + 4, true);
    if (!isChunkId(id)) {
      if (fmt !== undefined && data !== undefined) break; // trailing garbage after the audio
      throw notAudio(`WAV chunk list is corrupt at byte ${pos}`);
    }
    const body = pos + 8;
    if (id === 'fmt ') {
      if (body + Math.min(size, 40) > bytes.length)
        throw truncated("the file ends inside the WAV 'fmt ' chunk");
      fmt = parseFmt(bytes, dv, body, size);
    } else if (id === 'ds64' && isRf64 && size >= 16 && body + 16 <= bytes.length) {
      ds64DataBytes = readUint64(dv, body + 8);
    } else if (id === 'data') {
      let declared: number | undefined = size;
      if (isRf64 && size === 0xffffffff && ds64DataBytes !== undefined) declared = ds64DataBytes;
      else if (UNKNOWN_SIZE_SENTINELS.has(size)) declared = undefined;
      const remaining = bytes.length - body;
      data = {
        offset: body,
        declared,
        available: declared === undefined ? remaining : Math.min(declared, remaining),
      };
      if (fmt !== undefined || declared === undefined || body + declared > bytes.length) break;
    }
    pos = nextChunk(bytes, body, size);
  }
  // Cut short: a chunk ran past the end, or the RIFF size promises more than the file holds.
  const riffSize = bytes.length >= 8 ? dv.getUint32(4, true) : 0;
  const cut =
    pos > bytes.length || (!UNKNOWN_SIZE_SENTINELS.has(riffSize) && riffSize + 8 > bytes.length);
  if (fmt === undefined) {
    if (cut) throw truncated("the file ends before the WAV 'fmt ' chunk");
    throw notAudio("WAV file has no 'fmt ' chunk");
  }
  if (data === undefined) {
    if (cut) throw truncated("the file ends before the WAV 'data' chunk");
    throw notAudio("WAV file has no 'data' chunk");
  }
  return {
    ...fmt,
    dataOffset: data.offset,
    declaredDataBytes: data.declared,
    availableDataBytes: data.available,
  };
}

function parseFmt(bytes: Uint8Array, dv: DataView, body: number, size: number): FmtChunk {
  if (size < 16) throw notAudio(`WAV 'fmt ' chunk is ${size} bytes; at least 16 are needed`);
  let formatCode = dv.getUint16(body, true);
  const extensible = formatCode === WAVE_FORMAT.EXTENSIBLE;
  if (extensible) {
    if (size < 40)
      throw notAudio(`WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is ${size} bytes; 40 are needed`);
    const guid = body + 24;
    const tailMatches = KSDATAFORMAT_TAIL.every((b, i) => bytes[guid + 2 + i] === b);
    // A sub-format GUID outside the KSDATAFORMAT family (e.g. Ambisonic B-format) has no code.
    formatCode = tailMatches ? dv.getUint16(guid, true) : -1;
  }
  return {
    formatCode,
    extensible,
    channels: dv.getUint16(body + 2, true),
    sampleRateHz: dv.getUint32(body + 4, true),
    blockAlignBytes: dv.getUint16(body + 12, true),
    bitsPerSample: dv.getUint16(body + 14, true),
  };
}

/**
 * Where the chunk after one of `size` bytes at `body` starts. RIFF pads odd sizes to even, but
 * some writers forget the pad byte: when the padded position holds no chunk id and the unpadded
 * one does, the writer is taken at its word.
 */
function nextChunk(bytes: Uint8Array, body: number, size: number): number {
  const unpadded = body + size;
  if (size % 2 === 0) return unpadded;
  const padded = unpadded + 1;
  if (!isChunkId(ascii(bytes, padded, 4)) && isChunkId(ascii(bytes, unpadded, 4))) return unpadded;
  return padded;
}

function isChunkId(id: string): boolean {
  return /^[\x20-\x7e]{4}$/.test(id);
}

function readUint64(dv: DataView, offset: number): number {
  return dv.getUint32(offset + 4, true) * 0x1_0000_0000 + dv.getUint32(offset, true);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function notAudio(message: string): VoxfleetError {
  return new VoxfleetError('AUDIO_NOT_AUDIO', message);
}

function truncated(message: string): VoxfleetError {
  return new VoxfleetError('AUDIO_TRUNCATED', message);
}
