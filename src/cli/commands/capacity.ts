import type { Command } from 'commander';
import {
  compileCapacityConfig,
  defaultCapacityDir,
  renderCapacityMarkdown,
  runCapacity,
  writeCapacityOutputs,
  type CapacityOptions,
  type CapacityStep,
} from '../../eval/index.js';
import type { EmbeddedServer } from '../embedded-server.js';
import {
  addStoreFlags,
  pickStoreOptions,
  startLocalTarget,
  type StoreFlags,
} from '../local-target.js';

/** The command's flags: the runner's options plus where a local target gets its models. */
type CapacityCliOpts = CapacityOptions & StoreFlags;

export function registerCapacity(program: Command): void {
  addStoreFlags(program.command('capacity'))
    .description(
      'the maximum concurrent real-time streams meeting a latency SLO, per frame size, and ' +
        'latency at 25/50/75/100 % of it: capacity.md and capacity.json (docs/capacity.md)',
    )
    .requiredOption('--model <name>', 'the streaming model (name or alias) to measure')
    .option(
      '--target <url|local>',
      "server URL, or 'local' to start the embedded server here (env VOXFLEET_URL; default http://127.0.0.1:8080)",
    )
    .option(
      '--manifest <file>',
      'JSON Lines manifest (default: clean items of ../shared/audio/dev/manifest.jsonl, if present)',
    )
    .option('--frame-ms <list>', 'comma-separated frame sizes in ms (default 100,160,320)')
    .option('--slo-final-p95-ms <ms>', 'final-after-speech p95 limit (default 1500)', Number)
    .option('--slo-first-partial-p95-ms <ms>', 'first-partial p95 limit (default 1000)', Number)
    .option('--max-error-rate <r>', 'failed turns / turns allowed per step (default 0.01)', Number)
    .option('--step-duration-s <s>', 'seconds of load per step (default 30)', Number)
    .option('--max-streams <n>', 'upper bound of the search (default 64)', Number)
    .option('--out <dir>', 'where capacity.md and capacity.json go (default capacity-results/...)')
    .addHelpText(
      'after',
      '\nExit status: 0 done (even when the maximum is 0); 1 bad input or no server.',
    )
    .action(async (o: CapacityCliOpts) => {
      const config = compileCapacityConfig(o);
      let server: EmbeddedServer | undefined;
      if (config.target === 'local') {
        server = await startLocalTarget({
          models: [...new Set([config.model, 'silero-vad'])],
          // The server's own stream limit must not be what is measured.
          serve: { maxStreams: config.maxStreams },
          ...pickStoreOptions(o),
        });
      }
      try {
        const result = await runCapacity(config, {
          baseUrl: server?.url ?? config.target,
          onStep: printStep,
          onLoadPoint: (frameMs, p) =>
            process.stderr.write(
              `capacity: ${frameMs} ms frames, ${p.percent} % = ${p.streams} streams` +
                `${p.fromSearch ? ' (measured during the search)' : ' measured'}\n`,
            ),
        });
        const outputs = await writeCapacityOutputs(
          config.out ?? defaultCapacityDir(result),
          result,
        );
        process.stdout.write(renderCapacityMarkdown(result));
        process.stdout.write(`\nwrote ${outputs.markdown}\n      ${outputs.json}\n`);
      } finally {
        await server?.close();
      }
    });
}

function printStep(frameMs: number, step: CapacityStep): void {
  const verdict = step.pass ? 'pass' : `fail (${step.reason ?? 'SLO missed'})`;
  process.stderr.write(`capacity: ${frameMs} ms frames, ${step.streams} streams: ${verdict}\n`);
}
