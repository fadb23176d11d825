/**
 * POST /v1/audio/speech as raw PCM, played while it streams in. Reports when the first audio
 * arrived (ms after the request) and how much audio was decoded.
 */
import { ensureOk } from '../api/http';
import { PcmStreamPlayer } from '../audio/pcm-stream-player';

export interface SpeakRequest {
  readonly input: string;
  readonly voice?: string;
  readonly model?: string;
}

export interface SpeakProgress {
  readonly firstAudioMs?: number;
  readonly decodedS: number;
  readonly done: boolean;
}

export async function speak(
  request: SpeakRequest,
  onProgress: (progress: SpeakProgress) => void,
): Promise<void> {
  const started = performance.now();
  const response = await ensureOk(
    await fetch('/v1/audio/speech', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, response_format: 'pcm' }),
    }),
  );
  const rateHz = Number(response.headers.get('x-voxfleet-sample-rate'));
  if (!(rateHz > 0) || response.body === null) throw new Error('the speech response has no audio');
  const player = new PcmStreamPlayer(rateHz);
  let firstAudioMs: number | undefined;
  try {
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      firstAudioMs ??= performance.now() - started;
      player.push(chunk.value);
      onProgress({ firstAudioMs, decodedS: player.durationS, done: false });
    }
    await player.finished();
    onProgress({
      ...(firstAudioMs !== undefined ? { firstAudioMs } : {}),
      decodedS: player.durationS,
      done: true,
    });
  } finally {
    await player.close();
  }
}
