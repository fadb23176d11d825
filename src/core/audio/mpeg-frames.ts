/**
 * MPEG audio container glue: ID3v2 skipping and a bounded walk over frame headers. The walk tells
 * the MP3 decoder, before it decodes anything, how long the audio is, how many channels it has,
 * and whether the last frame is cut short. Decoding itself is mpg123's job.
 */

export interface MpegFrameHeader {
  /** 1, 2 or 2.5 (MPEG-2.5 is the unofficial low-rate extension). */
  readonly version: 1 | 2 | 2.5;
  readonly layer: 1 | 2 | 3;
  readonly bitrateKbps: number;
  readonly sampleRateHz: number;
  readonly channels: 1 | 2;
  readonly frameBytes: number;
  readonly samplesPerFrame: number;
}

export interface MpegScan {
  readonly first: MpegFrameHeader;
  readonly firstOffset: number;
  /** Complete frames found. */
  readonly frames: number;
  readonly samples: number;
  /** End of the last complete frame: what is worth handing to the decoder. */
  readonly endOffset: number;
  /** The last frame header promises more bytes than the file holds. */
  readonly cutMidFrame: boolean;
  /** Frame count from a Xing/Info/VBRI header, when the file has one. */
  readonly declaredFrames: number | undefined;
}

const BITRATES_KBPS: Record<string, readonly number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES_HZ: Record<string, readonly number[]> = {
  '1': [44100, 48000, 32000],
  '2': [22050, 24000, 16000],
  '2.5': [11025, 12000, 8000],
};

/** How far past junk we look for the next frame before calling the rest trailing garbage. */
const RESYNC_WINDOW_BYTES = 8192;
/** How far past an ID3 tag we look for the first frame (some taggers leave padding). */
const FIRST_FRAME_WINDOW_BYTES = 65_536;
/** At most this many ID3v2 tags in a row are skipped. */
const MAX_ID3_TAGS = 8;

/** Parses the 4-byte header at `offset`; undefined when it is not a usable MPEG audio header. */
export function parseMpegFrameHeader(
  bytes: Uint8Array,
  offset: number,
): MpegFrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const b3 = bytes[offset + 3]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  if (versionBits === 1 || layerBits === 0) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  // Free-format (bitrate index 0) frames have no computable length; 15 is forbidden.
  if (bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
  const bitrateKbps = BITRATES_KBPS[`${version === 1 ? 1 : 2}-${layer}`]![bitrateIndex]!;
  const sampleRateHz = SAMPLE_RATES_HZ[String(version)]![rateIndex]!;
  const padding = (b2 >> 1) & 1;
  const channels = b3 >> 6 === 3 ? 1 : 2;
  let frameBytes: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameBytes = (Math.floor((12 * bitrateKbps * 1000) / sampleRateHz) + padding) * 4;
    samplesPerFrame = 384;
  } else if (layer === 2 || version === 1) {
    frameBytes = Math.floor((144 * bitrateKbps * 1000) / sampleRateHz) + padding;
    samplesPerFrame = 1152;
  } else {
    frameBytes = Math.floor((72 * bitrateKbps * 1000) / sampleRateHz) + padding;
    samplesPerFrame = 576;
  }
  return { version, layer, bitrateKbps, sampleRateHz, channels, frameBytes, samplesPerFrame };
}

/** An AAC ADTS header: the MPEG sync word with layer bits 00. */
export function isAdtsHeader(bytes: Uint8Array, offset: number): boolean {
  return (
    offset + 2 <= bytes.length && bytes[offset] === 0xff && (bytes[offset + 1]! & 0xf6) === 0xf0
  );
}

/** Skips leading ID3v2 tags. `cut` is true when a tag claims more bytes than the file holds. */
export function skipId3v2(bytes: Uint8Array): { offset: number; tags: number; cut: boolean } {
  let offset = 0;
  let tags = 0;
  while (tags < MAX_ID3_TAGS && offset + 10 <= bytes.length && ascii(bytes, offset, 3) === 'ID3') {
    const size =
      ((bytes[offset + 6]! & 0x7f) << 21) |
      ((bytes[offset + 7]! & 0x7f) << 14) |
      ((bytes[offset + 8]! & 0x7f) << 7) |
      (bytes[offset + 9]! & 0x7f);
    const hasFooter = (bytes[offset + 5]! & 0x10) !== 0;
    offset += 10 + size + (hasFooter ? 10 : 0);
    tags++;
    if (offset > bytes.length) return { offset: bytes.length, tags, cut: true };
  }
  if (tags === 0 && bytes.length >= 3 && bytes.length < 10 && ascii(bytes, 0, 3) === 'ID3') {
    return { offset: bytes.length, tags: 1, cut: true };
  }
  return { offset, tags, cut: false };
}

/**
 * Walks the frames from `start`. Returns undefined when no frame is found: within a short window
 * after an ID3 tag (`lenientStart`), else exactly at `start`. Every loop advances by at least one
 * frame or stops, so hostile input costs time linear in its size.
 */
export function scanMpegFrames(
  bytes: Uint8Array,
  start: number,
  lenientStart: boolean,
): MpegScan | undefined {
  const firstOffset = lenientStart
    ? findLockedFrame(bytes, start, FIRST_FRAME_WINDOW_BYTES, true)
    : lockedAt(bytes, start, false);
  if (firstOffset === undefined) return undefined;
  const first = parseMpegFrameHeader(bytes, firstOffset)!;
  const declaredFrames = readInfoFrameCount(bytes, firstOffset, first);
  let pos = firstOffset;
  let frames = 0;
  let endOffset = firstOffset;
  let cutMidFrame = false;
  while (pos + 4 <= bytes.length) {
    const header = parseMpegFrameHeader(bytes, pos);
    if (header !== undefined && sameStream(first, header)) {
      if (pos + header.frameBytes > bytes.length) {
        cutMidFrame = true;
        break;
      }
      pos += header.frameBytes;
      endOffset = pos;
      frames++;
      continue;
    }
    if (isTrailingTag(bytes, pos)) break;
    const next = findLockedFrame(bytes, pos + 1, RESYNC_WINDOW_BYTES, false, first);
    if (next === undefined) break;
    pos = next;
  }
  const audioFrames = declaredFrames === undefined ? frames : Math.max(0, frames - 1);
  return {
    first,
    firstOffset,
    frames,
    samples: audioFrames * first.samplesPerFrame,
    endOffset,
    cutMidFrame,
    declaredFrames,
  };
}

function sameStream(a: MpegFrameHeader, b: MpegFrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRateHz === b.sampleRateHz;
}

/**
 * A frame at `offset` followed by another frame of the same stream, by a tag or by the end. A
 * lone frame that runs past the end counts only when `allowCut` (right after an ID3 tag, where the
 * tag already says this is MPEG audio); a random 0xFF in junk must not pass for a cut frame.
 */
function lockedAt(
  bytes: Uint8Array,
  offset: number,
  allowCut: boolean,
  like?: MpegFrameHeader,
): number | undefined {
  const header = parseMpegFrameHeader(bytes, offset);
  if (header === undefined || (like !== undefined && !sameStream(like, header))) return undefined;
  const next = offset + header.frameBytes;
  if (next > bytes.length) return allowCut ? offset : undefined;
  if (next === bytes.length || isTrailingTag(bytes, next)) return offset;
  const following = parseMpegFrameHeader(bytes, next);
  return following !== undefined && sameStream(header, following) ? offset : undefined;
}

function findLockedFrame(
  bytes: Uint8Array,
  from: number,
  window: number,
  allowCut: boolean,
  like?: MpegFrameHeader,
): number | undefined {
  const end = Math.min(bytes.length - 4, from + window);
  for (let i = from; i <= end; i++) {
    if (bytes[i] !== 0xff) continue;
    const found = lockedAt(bytes, i, allowCut, like);
    if (found !== undefined) return found;
  }
  return undefined;
}

function isTrailingTag(bytes: Uint8Array, offset: number): boolean {
  return (
    ascii(bytes, offset, 3) === 'TAG' ||
    ascii(bytes, offset, 3) === 'ID3' ||
    ascii(bytes, offset, 8) === 'APETAGEX' ||
    ascii(bytes, offset, 6) === 'LYRICS'
  );
}

/** Frame count from a Xing/Info header (Layer III) or a VBRI header, if the first frame has one. */
function readInfoFrameCount(
  bytes: Uint8Array,
  offset: number,
  header: MpegFrameHeader,
): number | undefined {
  if (header.layer !== 3) return undefined;
  const sideInfoBytes =
    header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xing = offset + 4 + sideInfoBytes;
  const tag = ascii(bytes, xing, 4);
  if ((tag === 'Xing' || tag === 'Info') && xing + 12 <= bytes.length) {
    const flags = readUint32BE(bytes, xing + 4);
    return (flags & 1) !== 0 ? readUint32BE(bytes, xing + 8) : undefined;
  }
  const vbri = offset + 4 + 32;
  if (ascii(bytes, vbri, 4) === 'VBRI' && vbri + 18 <= bytes.length)
    return readUint32BE(bytes, vbri + 14);
  return undefined;
}

function readUint32BE(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset]! << 24) |
      (bytes[offset + 1]! << 16) |
      (bytes[offset + 2]! << 8) |
      bytes[offset + 3]!) >>>
    0
  );
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset < 0 || offset + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
