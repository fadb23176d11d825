/** Recorded audio files as the streaming tests send them: decoded, resampled to 16 kHz. */
import { readFileSync } from 'node:fs';
import { decodeAudioFile, resample, toPcm16, type StreamEvent } from '../../src/core/index.js';

/** Float samples at 16 kHz of an audio file (any format voxfleet decodes). */
export async function samples16kOf(path: string): Promise<Float32Array> {
  const decoded = await decodeAudioFile(new Uint8Array(readFileSync(path)), {
    maxDurationS: 600,
    maxChannels: 2,
  });
  return (await resample(decoded, 16000)).samples;
}

/** 16-bit little-endian PCM at 16 kHz, as /v1/listen takes it. */
export async function pcm16kOf(path: string): Promise<Uint8Array> {
  return toPcm16(await samples16kOf(path));
}

export type FinalEvent = Extract<StreamEvent, { type: 'final' }>;

export const finalsOf = (events: readonly StreamEvent[]): FinalEvent[] =>
  events.filter((e): e is FinalEvent => e.type === 'final');
