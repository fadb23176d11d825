/** A user's stream in the release tests: `asr-en`, 4x real-time pace; which version served it. */
import { ListenSession, VoxfleetError, streamPcm16 } from '../../src/client/index.js';

/**
 * Streams `clip` (16 kHz PCM) to the gateway at `url`; returns `model@version` from `ready`.
 * A refusal for capacity is waited out after the server's retry hint, as a client would: a
 * slow candidate holding decode slots makes its worker refuse for a while (admission doing its
 * job), and the test is about which version serves, not about admission.
 */
export async function streamServedBy(url: string, clip: Uint8Array): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    let session: ListenSession;
    try {
      session = await ListenSession.open(url, { model: 'asr-en', language: 'en' });
    } catch (err) {
      if (!(err instanceof VoxfleetError) || err.code !== 'OVER_CAPACITY' || attempt >= 30)
        throw err;
      await new Promise((r) => setTimeout(r, err.details.retryAfterMs ?? 1000));
      continue;
    }
    const served = `${session.ready?.model}@${session.ready?.model_version}`;
    await streamPcm16(session, clip, { sampleRateHz: 16000, pace: 4 });
    return served;
  }
}
