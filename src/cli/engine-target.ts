/**
 * `voxfleet eval --path engine`: the embedded server's worker without its gateway, in this
 * process. Models come from the same store as `--target local` (installed from the mirror or
 * registry when missing, hash-checked on load) and files go through the worker's own file
 * pipeline (decode, resample, VAD chunking, engine), so the only thing left out is serving:
 * HTTP, multipart parsing, the fabric.
 */
import type { InProcessTranscriber } from '../eval/index.js';
import { Telemetry } from '../telemetry/index.js';
import { compileLocalServeConfig, type LocalTargetOptions } from './local-target.js';
import { createPullProgressBar } from './progress.js';
import { startSpeechWorker } from './worker-setup.js';

export interface EngineTarget {
  readonly transcriber: InProcessTranscriber;
  /** Lets a running decode finish, then frees the models. */
  close(): Promise<void>;
}

export async function startEngineTarget(options: LocalTargetOptions): Promise<EngineTarget> {
  const config = compileLocalServeConfig(options);
  const pull = createPullProgressBar();
  // The same worker `voxfleet serve` runs, started the same way: its start-up calibration also
  // warms the engine, so the first utterances' times compare with --target local's.
  const worker = await startSpeechWorker(config, new Telemetry(), {
    onPullProgress: pull.update,
  }).finally(() => pull.stop());
  const models = worker.status().models.map((m) => ({
    id: m.name,
    version: m.version,
    kind: m.kind,
    aliases: m.aliases,
  }));
  // A request given up at its deadline may still be decoding (a decode cannot be interrupted):
  // the engines are freed only after it ends.
  const inFlight = new Set<Promise<unknown>>();
  return {
    transcriber: {
      models,
      description: `in-process engine (${config.dataDir})`,
      transcribe(request, { signal }) {
        const call = worker.transcribe(request, { signal });
        const settled = call.then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(settled);
        void settled.then(() => inFlight.delete(settled));
        return call;
      },
    },
    async close() {
      await Promise.all(inFlight);
      await worker.close();
    },
  };
}
