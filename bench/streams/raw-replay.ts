/**
 * Times a decode list on sherpa-onnx alone: one recognizer per tail padding, `lanes` decodes in
 * flight (one per core), back to back, no voxfleet code on the decode path.
 */
import { loadSherpa, type SherpaOfflineRecognizer } from '../../src/engines/sherpa/binding.js';
import { whisperRecognizerConfig } from '../../src/engines/sherpa/whisper-recognizers.js';
import type { DecodePass } from '../../src/engines/index.js';
import type { DecodeJob } from './decode-lists.js';

export interface WhisperFiles {
  readonly encoder: string;
  readonly decoder: string;
  readonly tokens: string;
}

export interface ReplayResult {
  readonly wallMs: number;
  readonly decodes: number;
  readonly computeMsByPass: Readonly<Record<DecodePass, number>>;
}

export async function replayOnEngine(
  jobs: readonly DecodeJob[],
  files: WhisperFiles,
  tails: Readonly<Record<DecodePass, number>>,
  lanes: number,
): Promise<ReplayResult> {
  const sherpa = loadSherpa();
  const make = (tailPaddings: number): Promise<SherpaOfflineRecognizer> =>
    sherpa.OfflineRecognizer.createAsync(
      whisperRecognizerConfig(
        {
          encoderPath: files.encoder,
          decoderPath: files.decoder,
          tokensPath: files.tokens,
          numThreads: 1,
        },
        { language: 'en', task: 'transcribe', tailPaddings },
      ),
    );
  const recognizers: Record<DecodePass, SherpaOfflineRecognizer> = {
    final: await make(tails.final),
    live_final: await make(tails.live_final),
    partial: await make(tails.partial),
  };
  const decode = async (job: DecodeJob): Promise<number> => {
    const r = recognizers[job.pass];
    const stream = r.createStream();
    stream.acceptWaveform({ samples: job.samples, sampleRate: 16000 });
    const t = performance.now();
    await r.decodeAsync(stream);
    return performance.now() - t;
  };
  // Warm both recognizers so first-call allocation is not timed.
  const warm = jobs.find((j) => j.samples.length > 16000);
  if (warm !== undefined) {
    for (const pass of ['final', 'live_final', 'partial'] as const) await decode({ ...warm, pass });
  }
  const computeMsByPass: Record<DecodePass, number> = { partial: 0, live_final: 0, final: 0 };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        computeMsByPass[job.pass] += await decode(job);
      }
    }),
  );
  return { wallMs: performance.now() - started, decodes: jobs.length, computeMsByPass };
}
