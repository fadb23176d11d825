/** G.711 mu-law encoding for test input, through the alawmulaw package. */
import alawmulaw from 'alawmulaw';

export function encodeMuLaw(samples: Float32Array): Uint8Array {
  const pcm = Int16Array.from(samples, (s) =>
    Math.max(-32768, Math.min(32767, Math.round(s * 32767))),
  );
  return alawmulaw.mulaw.encode(pcm);
}
