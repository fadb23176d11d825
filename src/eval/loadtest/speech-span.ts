/**
 * Where speech starts and ends in a clip, measured by the client on the audio it sends; it
 * stands in for the server's speech times with protocols that report none (the peers).
 *
 * The clip is cut into 10 ms frames; a frame is speech when its RMS level is within
 * SPEECH_RANGE_DB of the loudest frame and above SPEECH_FLOOR_DBFS. Speech starts at the start
 * of the first speech frame and ends at the end of the last one. Meant for the clean, single
 * utterance clips a loadtest manifest holds, not as a VAD.
 */

/** Frame length (ms). */
export const SPEECH_FRAME_MS = 10;
/** A frame this many dB below the loudest frame or more is not speech. */
export const SPEECH_RANGE_DB = 35;
/** A frame below this level (dB full scale) is never speech. */
export const SPEECH_FLOOR_DBFS = -55;

export interface SpeechSpan {
  /** Seconds from the start of the clip. */
  readonly startS: number;
  readonly endS: number;
}

/** The span of speech in mono float samples in [-1, 1]; undefined when there is none. */
export function findSpeechSpan(
  samples: Float32Array,
  sampleRateHz: number,
): SpeechSpan | undefined {
  const frame = Math.max(1, Math.round((SPEECH_FRAME_MS / 1000) * sampleRateHz));
  const levels: number[] = [];
  let loudest = -Infinity;
  for (let off = 0; off < samples.length; off += frame) {
    const end = Math.min(samples.length, off + frame);
    let sum = 0;
    for (let i = off; i < end; i++) sum += samples[i]! * samples[i]!;
    const rms = Math.sqrt(sum / (end - off));
    const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
    levels.push(db);
    if (db > loudest) loudest = db;
  }
  const threshold = Math.max(loudest - SPEECH_RANGE_DB, SPEECH_FLOOR_DBFS);
  const first = levels.findIndex((db) => db >= threshold);
  if (first < 0 || loudest < SPEECH_FLOOR_DBFS) return undefined;
  const last = levels.findLastIndex((db) => db >= threshold);
  return {
    startS: (first * frame) / sampleRateHz,
    endS: Math.min(samples.length, (last + 1) * frame) / sampleRateHz,
  };
}
