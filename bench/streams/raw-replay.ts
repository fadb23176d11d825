/**
 * Times a decode list on the engine alone: `lanes` decodes in flight (one per core), back to back.
 * sherpa-onnx: one recognizer per tail padding, no voxfleet code on the decode path. onnxruntime
 * (whisper-tiny.en 1.2.0's runtime): voxfleet's engine on `lanes` inference threads, plain greedy
 * decodes (no drafts: those are the streaming session's doing, not the engine's); its binding
 * blocks the thread it runs on, so threads are the only way to keep `lanes` decodes in flight.
 */
import { loadSherpa, type SherpaOfflineRecognizer } from '../../src/engines/sherpa/binding.js';
import { whisperRecognizerConfig } from '../../src/engines/sherpa/whisper-recognizers.js';
import { createWhisperThreadEngine, type DecodePass } from '../../src/engines/index.js';
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
  runtime: 'sherpa-onnx' | 'onnxruntime' = 'sherpa-onnx',
): Promise<ReplayResult> {
  if (runtime === 'onnxruntime') return replayOnOnnxRuntime(jobs, files, tails, lanes);
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
  return timeLanes(jobs, lanes, decode);
}

async function replayOnOnnxRuntime(
  jobs: readonly DecodeJob[],
  files: WhisperFiles,
  tails: Readonly<Record<DecodePass, number>>,
  lanes: number,
): Promise<ReplayResult> {
  const engine = await createWhisperThreadEngine({
    encoderPath: files.encoder,
    decoderPath: files.decoder,
    tokensPath: files.tokens,
    multilingual: false,
    tailPaddingsFinal: tails.final,
    tailPaddingsPartial: tails.partial,
    tailPaddingsLiveFinal: tails.live_final,
    numThreads: 1,
    maxRecognizers: 1,
    runtime: 'onnxruntime',
    threads: lanes,
  });
  try {
    return await timeLanes(jobs, lanes, async (job) => {
      const samples = job.samples.slice(); // the engine moves its input to the thread
      const t = performance.now();
      await engine.decode(samples, { task: 'transcribe', pass: job.pass });
      return performance.now() - t;
    });
  } finally {
    await engine.closeAndWait();
  }
}

async function timeLanes(
  jobs: readonly DecodeJob[],
  lanes: number,
  decode: (job: DecodeJob) => Promise<number>,
): Promise<ReplayResult> {
  // Warm every pass so first-call allocation is not timed (once per lane: each may be its own
  // engine).
  const warm = jobs.find((j) => j.samples.length > 16000);
  if (warm !== undefined) {
    for (const pass of ['final', 'live_final', 'partial'] as const)
      await Promise.all(Array.from({ length: lanes }, () => decode({ ...warm, pass })));
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
