/**
 * Clients often stream a WAV file as-is, header first. The first frame's RIFF header is checked
 * against the declared rate and stripped, so the header's bytes are not played as audio.
 * This reads only the header's fields; sample decoding stays with the frame decoder.
 */
import { VoxfleetError } from '../../core/index.js';

export function stripWavHeader(frame: Uint8Array, declaredRateHz: number): Uint8Array {
  if (frame.length < 12 || ascii(frame, 0) !== 'RIFF' || ascii(frame, 8) !== 'WAVE') return frame;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let offset = 12;
  // Bounded walk over at most 16 chunks: a hostile header cannot loop us.
  for (let n = 0; n < 16 && offset + 8 <= frame.length; n++) {
    const id = ascii(frame, offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ' && offset + 16 <= frame.length) {
      const rate = view.getUint32(offset + 12, true);
      if (rate !== declaredRateHz) {
        throw new VoxfleetError(
          'AUDIO_SAMPLE_RATE_MISMATCH',
          `the stream's WAV header says ${rate} Hz but 'sample_rate' is ${declaredRateHz}`,
          { field: 'sample_rate' },
        );
      }
    }
    if (id === 'data') return frame.subarray(offset + 8);
    offset += 8 + size + (size % 2);
  }
  throw new VoxfleetError(
    'PROTOCOL_VIOLATION',
    'the first frame starts a WAV header but holds no data chunk',
  );
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}
