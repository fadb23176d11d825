import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  compileEvalConfig,
  defaultOutDir,
  evaluate,
  exitCodeFor,
  formatEvalTable,
  localServeModels,
  resolveCompareSource,
  writeEvalOutputs,
  type EvalConfig,
  type EvalOptions,
  type EvalTarget,
  type EvaluateOptions,
} from '../../eval/index.js';
import { startEngineTarget } from '../engine-target.js';
import {
  addStoreFlags,
  pickStoreOptions,
  startLocalTarget,
  type StoreFlags,
} from '../local-target.js';

/** The command's flags: the runner's options plus where a local target gets its models. */
type EvalCliOpts = EvalOptions & StoreFlags;

export function registerEval(program: Command): void {
  addStoreFlags(program.command('eval'))
    .description(
      'WER/CER per tag slice, real-time factor and latency of a manifest through a server ' +
        '(or the engine in this process); compare two models or runs with bootstrap intervals ' +
        '(docs/eval.md)',
    )
    .requiredOption('--manifest <file>', 'JSON Lines manifest: {"id","audio","text","tags":[]}')
    .option(
      '--target <url|local>',
      "server URL, or 'local' to start the embedded server here (env VOXFLEET_URL; default http://127.0.0.1:8080)",
    )
    .option(
      '--path <path>',
      'rest | ws (as fast as possible) | ws-realtime (real-time pace) | engine (no server: the ' +
        "worker's file pipeline in this process, models from --data-dir/--mirror/--registry-url)",
    )
    .option('--model <name>', "model or alias (default: the server's choice by language)")
    .option('--language <code>', 'ISO 639-1 code sent with every request (default: per item)')
    .option('--concurrency <n>', 'requests at once (default 2; ws-realtime 1)', toInt)
    .option('--numbers <mode>', 'headline normalisation: spell (default) | keep; both reported')
    .option('--out <dir>', 'where result.json and report.html go (default eval-results/<time>-...)')
    .option('--compare <model|file>', 'a model to run on the same audio, or a previous result.json')
    .option(
      '--max-regression <pp>',
      'with --compare: exit 3 when a slice WER rises by more than this many percentage points (CI lower bound)',
      Number,
    )
    .option(
      '--gate-min-utterances <n>',
      "with --max-regression: slices with fewer utterances are shown, not gated ('all' always is; default 5)",
      toInt,
    )
    .option('--seed <n>', 'bootstrap seed (default 1)', toInt)
    .option('--resamples <n>', 'bootstrap resamples (default 1000)', toInt)
    .option('--limit <n>', 'first N items (after --tags)', toInt)
    .option('--tags <list>', 'only items with any of these comma-separated tags', toList)
    .option('--frame-ms <ms>', 'WebSocket frame size (default 100)', toInt)
    .option(
      '--timeout-s <s>',
      'abort a request after this long, record REQUEST_TIMEOUT, go on ' +
        '(default max(60, 10 x the audio) s; 600 s when the manifest has no duration_s)',
      Number,
    )
    .addHelpText(
      'after',
      '\nExit status: 0 done; 1 an error, or some request failed; 3 --max-regression exceeded.',
    )
    .action(async (o: EvalCliOpts) => {
      const config = compileEvalConfig(o);
      const target = await openTarget(config, o);
      try {
        const evaluation = await evaluate(config, {
          target: target.target,
          ...createEvalProgress(),
        });
        const outputs = await writeEvalOutputs(
          config.out ?? defaultOutDir(evaluation.result),
          evaluation,
        );
        process.stdout.write(formatEvalTable(evaluation.result));
        process.stdout.write(`\nwrote ${outputs.resultJson}\n      ${outputs.reportHtml}\n`);
        if (outputs.baselineJson !== undefined)
          process.stdout.write(`      ${outputs.baselineJson}\n`);
        process.exitCode = exitCodeFor(evaluation);
      } finally {
        await target.close();
      }
    });
}

/**
 * What the run measures: the engine in this process (--path engine), the embedded server
 * started here (--target local), or a server already running.
 */
async function openTarget(
  config: EvalConfig,
  flags: StoreFlags,
): Promise<{ target: EvalTarget; close: () => Promise<void> }> {
  if (config.target !== 'local')
    return { target: { kind: 'server', baseUrl: config.target }, close: async () => undefined };
  const source = config.compare === undefined ? undefined : resolveCompareSource(config.compare);
  const local = {
    models: localServeModels(config, source?.kind === 'model' ? source.model : undefined),
    ...pickStoreOptions(flags),
  };
  if (config.path === 'engine') {
    const engine = await startEngineTarget(local);
    return {
      target: { kind: 'in-process', transcriber: engine.transcriber },
      close: () => engine.close(),
    };
  }
  const server = await startLocalTarget(local);
  return { target: { kind: 'server', baseUrl: server.url }, close: () => server.close() };
}

/** A progress bar per run on a terminal; one line per run otherwise. */
function createEvalProgress(): Pick<EvaluateOptions, 'onRunStart' | 'onProgress'> {
  const tty = process.stderr.isTTY || process.env.VOXFLEET_PROGRESS === '1';
  let bar: cliProgress.SingleBar | undefined;
  return {
    onRunStart(label, total) {
      bar?.stop();
      if (!tty) {
        process.stderr.write(`eval: ${total} utterances with ${label}\n`);
        return;
      }
      bar = new cliProgress.SingleBar(
        {
          format: `${label.padEnd(24)} {bar} {value}/{total} utterances | {eta_formatted} left`,
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0);
    },
    onProgress(_label, done, total) {
      bar?.update(done);
      if (done === total) {
        bar?.stop();
        bar = undefined;
      }
    },
  };
}

/** Number() rather than parseInt, so '1.5' or '2x' reach validation instead of becoming 1 or 2. */
function toInt(v: string): number {
  return Number(v);
}

function toList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
