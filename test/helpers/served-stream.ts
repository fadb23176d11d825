/** A user's stream in the release tests: `asr-en`, 4x real-time pace; which version served it. */
import { ListenSession, streamPcm16 } from '../../src/client/index.js';

/** Streams `clip` (16 kHz PCM) to the gateway at `url`; returns `model@version` from `ready`. */
export async function streamServedBy(url: string, clip: Uint8Array): Promise<string> {
  const session = await ListenSession.open(url, { model: 'asr-en', language: 'en' });
  const served = `${session.ready?.model}@${session.ready?.model_version}`;
  await streamPcm16(session, clip, { sampleRateHz: 16000, pace: 4 });
  return served;
}
