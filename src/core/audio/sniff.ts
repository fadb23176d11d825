/**
 * Container detection by magic bytes. Known containers we do not decode are named, so the client
 * is told "WebM is not supported" rather than "not audio".
 */
import { isAdtsHeader, parseMpegFrameHeader, skipId3v2 } from './mpeg-frames.js';

export type SniffResult =
  | {
      readonly kind: 'wav' | 'flac' | 'ogg' | 'mpeg';
      readonly offset: number;
      readonly id3: boolean;
    }
  | { readonly kind: 'unsupported'; readonly name: string }
  | { readonly kind: 'unknown'; readonly hint?: string };

/** Looks at the first bytes (after any ID3v2 tags) and names the container. */
export function sniffContainer(bytes: Uint8Array): SniffResult {
  const id3 = skipId3v2(bytes);
  if (id3.tags > 0) {
    if (id3.cut) return { kind: 'mpeg', offset: id3.offset, id3: true };
    // Some taggers put ID3v2 in front of FLAC too.
    if (ascii(bytes, id3.offset, 4) === 'fLaC')
      return { kind: 'flac', offset: id3.offset, id3: true };
    if (isAdtsHeader(bytes, id3.offset)) return { kind: 'unsupported', name: 'AAC (ADTS)' };
    return { kind: 'mpeg', offset: id3.offset, id3: true };
  }
  const magic = ascii(bytes, 0, 4);
  const form = ascii(bytes, 8, 4);
  if (magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') {
    if (form === 'WAVE') return { kind: 'wav', offset: 0, id3: false };
    return { kind: 'unknown', hint: `a RIFF file of type '${printable(form)}', not WAVE` };
  }
  if (magic === 'RIFX' && form === 'WAVE')
    return { kind: 'unsupported', name: 'big-endian WAV (RIFX)' };
  if (magic === 'fLaC') return { kind: 'flac', offset: 0, id3: false };
  if (magic === 'OggS') return { kind: 'ogg', offset: 0, id3: false };
  if (magic === 'FORM' && (form === 'AIFF' || form === 'AIFC'))
    return { kind: 'unsupported', name: 'AIFF' };
  if (magic === '\x1aE\xdf\xa3') return { kind: 'unsupported', name: 'WebM/Matroska' };
  if (ascii(bytes, 4, 4) === 'ftyp') return { kind: 'unsupported', name: 'MP4/M4A' };
  if (magic === 'caff') return { kind: 'unsupported', name: 'Core Audio Format (CAF)' };
  if (magic === '.snd') return { kind: 'unsupported', name: 'Sun/NeXT AU' };
  if (ascii(bytes, 0, 5) === '#!AMR') return { kind: 'unsupported', name: 'AMR' };
  if (isAdtsHeader(bytes, 0)) return { kind: 'unsupported', name: 'AAC (ADTS)' };
  if (parseMpegFrameHeader(bytes, 0) !== undefined) return { kind: 'mpeg', offset: 0, id3: false };
  return { kind: 'unknown' };
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  if (offset + length > bytes.length) return '';
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}
