/** Audio built in the test itself: tones, silence, noise and hostile headers. */
import wavefile from 'wavefile';
const { WaveFile } = wavefile;

export function tone(seconds: number, rateHz = 16000, amp = 0.3, freqHz = 440): Int16Array {
  const out = new Int16Array(Math.round(seconds * rateHz));
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(Math.sin((2 * Math.PI * freqHz * i) / rateHz) * amp * 32767);
  return out;
}

/** Deterministic low-level noise (LCG), like a quiet room. */
export function roomNoise(seconds: number, rateHz = 16000, amp = 0.01, seed = 7): Int16Array {
  const out = new Int16Array(Math.round(seconds * rateHz));
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = Math.round(((x / 0x7fffffff) * 2 - 1) * amp * 32767);
  }
  return out;
}

export function wavBytes(samples: Int16Array, rateHz = 16000, channels = 1): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(channels, rateHz, '16', samples);
  return wav.toBuffer();
}

/** A WAV whose header declares `declaredDataBytes` but which holds only `actualDataBytes`. */
export function truncatedWav(declaredDataBytes: number, actualDataBytes: number): Uint8Array {
  const full = wavBytes(tone(Math.max(actualDataBytes, 2) / 2 / 16000 + 0.01));
  const out = full.slice(0, 44 + actualDataBytes);
  new DataView(out.buffer).setUint32(40, declaredDataBytes, true);
  new DataView(out.buffer).setUint32(4, 36 + declaredDataBytes, true);
  return out;
}

/** A canonical 44-byte WAV header with any format code, channel count and rate. */
export function wavHeader(opts: {
  format?: number;
  channels?: number;
  rateHz?: number;
  bits?: number;
  dataBytes: number;
}): Uint8Array {
  const { format = 1, channels = 1, rateHz = 16000, bits = 16, dataBytes } = opts;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  out.set([82, 73, 70, 70], 0);
  v.setUint32(4, 36 + dataBytes, true);
  out.set([87, 65, 86, 69, 102, 109, 116, 32], 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rateHz, true);
  v.setUint32(28, (rateHz * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  out.set([100, 97, 116, 97], 36);
  v.setUint32(40, dataBytes, true);
  return out;
}
