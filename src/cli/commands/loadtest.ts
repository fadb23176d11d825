import type { Command } from 'commander';
import {
  compileLoadtestConfig,
  defaultLoadtestDir,
  formatLoadtestSummary,
  runLoadtest,
  writeLoadtestOutputs,
  type LoadtestOptions,
  type LoadtestProgress,
} from '../../eval/index.js';

/** The command's flags are the runner's options. */
type LoadtestCliOpts = LoadtestOptions;

export function registerLoadtest(program: Command): void {
  program
    .command('loadtest')
    .description(
      'N concurrent real-time streams (or TTS / REST clients) against a server: latency ' +
        'percentiles, partial churn, WER, errors and refusals over time (docs/loadtest.md)',
    )
    .requiredOption('--manifest <file>', 'JSON Lines manifest: {"id","audio","text","tags":[]}')
    .requiredOption('--streams <n>', 'concurrent clients (1..1000)', Number)
    .option('--target <url>', 'server URL (env VOXFLEET_URL; default http://127.0.0.1:8080)')
    .option('--ramp-s <s>', 'start the clients evenly over this many seconds (default 0)', Number)
    .option('--duration-s <s>', 'no turn starts after this many seconds (default 60)', Number)
    .option(
      '--drain-s <s>',
      'then cut off what still runs after this many seconds (default 30)',
      Number,
    )
    .option('--mode <mode>', 'stream (default) | tts | rest')
    .option('--frame-ms <ms>', 'stream: audio per WebSocket frame, 20..100 (default 100)', Number)
    .option(
      '--speech-times <source>',
      "stream: 'server' (the server's own when its protocol has them) or 'client' (measured on the audio sent, the same for every protocol)",
    )
    .option(
      '--protocol <name>',
      'voxfleet (default) | whisperlive | whisperlivekit: a WhisperLive or WhisperLiveKit ' +
        '(--pcm-input) server at --target, stream mode only',
    )
    .option('--model <name>', "model or alias (default: the server's choice; not whisperlivekit)")
    .option('--language <code>', 'ISO 639-1 code sent with every request (default: per item)')
    .option(
      '--out <dir>',
      'where loadtest.json and loadtest.html go (default loadtest-results/...)',
    )
    .addHelpText(
      'after',
      '\nExit status: 0 done (even with failed turns); 1 bad input or no server.',
    )
    .action(async (o: LoadtestCliOpts) => {
      const config = compileLoadtestConfig(o);
      const result = await runLoadtest(config, { onProgress: createProgressLine() });
      const outputs = await writeLoadtestOutputs(config.out ?? defaultLoadtestDir(result), result);
      process.stdout.write(formatLoadtestSummary(result));
      process.stdout.write(`\nwrote ${outputs.json}\n      ${outputs.html}\n`);
    });
}

/** One line rewritten in place on a terminal; a line every 5 s otherwise. */
function createProgressLine(): (p: LoadtestProgress) => void {
  const tty = process.stderr.isTTY;
  let lastPrintedMs = -Infinity;
  return (p) => {
    const line =
      `loadtest: ${p.open} open, ${p.done} done, ${p.errors} errors, ` +
      `${p.refused} refused, ${(p.elapsedMs / 1000).toFixed(0)} s`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (p.elapsedMs - lastPrintedMs >= 5000) {
      process.stderr.write(`${line}\n`);
      lastPrintedMs = p.elapsedMs;
    }
  };
}
