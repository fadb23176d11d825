/**
 * Ogg container glue: a bounded walk over page headers (RFC 3533). It finds the first logical
 * stream's identification packet, its final granule position (the exact length, before decoding),
 * and whether the file stops inside a page. Every step moves forward by at least 27 bytes.
 */

export interface OggScan {
  /** Complete pages found. */
  readonly pages: number;
  /** Body of the first page: the identification header of the first logical stream. */
  readonly firstPageBody: Uint8Array | undefined;
  readonly firstPageIsBos: boolean;
  readonly serial: number | undefined;
  /** Highest granule position seen on that stream's pages; undefined when none carried one. */
  readonly lastGranule: number | undefined;
  /** The stream's end-of-stream page was seen. */
  readonly sawEos: boolean;
  /** Pages of another logical stream were seen (chained or multiplexed Ogg). */
  readonly multipleStreams: boolean;
  /** End of the last complete page: what is worth handing to a decoder. */
  readonly endOffset: number;
  /** The file stops inside a page (header or body). */
  readonly cutMidPage: boolean;
}

const PAGE_HEADER_BYTES = 27;

export function scanOggPages(bytes: Uint8Array): OggScan {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  let pages = 0;
  let firstPageBody: Uint8Array | undefined;
  let firstPageIsBos = false;
  let serial: number | undefined;
  let lastGranule: number | undefined;
  let sawEos = false;
  let multipleStreams = false;
  let cutMidPage = false;
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    if (remaining < PAGE_HEADER_BYTES) {
      cutMidPage = isCapturePrefix(bytes, pos, remaining);
      break;
    }
    if (!isCapturePrefix(bytes, pos, 4) || bytes[pos + 4] !== 0) break; // trailing junk
    const headerType = bytes[pos + 5]!;
    const segments = bytes[pos + 26]!;
    const bodyStart = pos + PAGE_HEADER_BYTES + segments;
    if (bodyStart > bytes.length) {
      cutMidPage = true;
      break;
    }
    let bodyBytes = 0;
    for (let i = pos + PAGE_HEADER_BYTES; i < bodyStart; i++) bodyBytes += bytes[i]!;
    const end = bodyStart + bodyBytes;
    if (end > bytes.length) {
      cutMidPage = true;
      break;
    }
    const pageSerial = dv.getUint32(pos + 14, true);
    if (pages === 0) {
      firstPageBody = bytes.subarray(bodyStart, end);
      firstPageIsBos = (headerType & 0x02) !== 0;
      serial = pageSerial;
    }
    if (pageSerial === serial) {
      const granuleLow = dv.getUint32(pos + 6, true);
      const granuleHigh = dv.getUint32(pos + 10, true);
      // -1 (all ones) means "no packet ends on this page".
      if (!(granuleLow === 0xffffffff && granuleHigh === 0xffffffff)) {
        const granule = granuleHigh * 0x1_0000_0000 + granuleLow;
        lastGranule = lastGranule === undefined ? granule : Math.max(lastGranule, granule);
      }
      if ((headerType & 0x04) !== 0) sawEos = true;
    } else {
      multipleStreams = true;
    }
    pages++;
    pos = end;
  }
  return {
    pages,
    firstPageBody,
    firstPageIsBos,
    serial,
    lastGranule,
    sawEos,
    multipleStreams,
    endOffset: pos,
    cutMidPage,
  };
}

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"

function isCapturePrefix(bytes: Uint8Array, offset: number, length: number): boolean {
  for (let i = 0; i < Math.min(length, 4); i++) if (bytes[offset + i] !== CAPTURE[i]) return false;
  return true;
}
