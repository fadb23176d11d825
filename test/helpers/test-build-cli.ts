/**
 * A test build of `voxfleet worker`: the real command, except that the engine of each version
 * named in VOXFLEET_TEST_SLOW_VERSIONS (`name@version=ms`, comma-separated) waits that many
 * milliseconds before every decode. It stands for a candidate that is slower than its baseline
 * for reasons the release gates must catch. Run with `node --import tsx` (startTestBuildWorker).
 */
import { Command } from 'commander';
import { registerWorker } from '../../src/cli/commands/worker.js';
import { startSpeechWorker } from '../../src/cli/worker-setup.js';
import type { FileAsrEngine } from '../../src/engines/index.js';

const delays = new Map(
  (process.env.VOXFLEET_TEST_SLOW_VERSIONS ?? '')
    .split(',')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [ref = '', ms = ''] = entry.split('=');
      return [ref, Number(ms)] as const;
    }),
);

function delayed(engine: FileAsrEngine, ms: number): FileAsrEngine {
  return {
    sampleRateHz: engine.sampleRateHz,
    maxInputS: engine.maxInputS,
    decode: async (samples, options) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return engine.decode(samples, options);
    },
    close: () => engine.close(),
  };
}

const program = new Command().name('voxfleet-test-build').exitOverride();
registerWorker(program, (config, telemetry, hooks) =>
  startSpeechWorker(config, telemetry, {
    ...hooks,
    decorateAsrEngine: (model, engine) => {
      const ms = delays.get(`${model.name}@${model.version}`);
      return ms === undefined ? engine : delayed(engine, ms);
    },
  }),
);
await program.parseAsync(process.argv);
