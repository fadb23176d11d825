/**
 * The options of a process that runs a speech worker — `voxfleet serve` (embedded) and
 * `voxfleet worker` (NATS) — declared once, so both take the same models and tuning.
 */
import { InvalidArgumentError, type Command } from 'commander';

export function addWorkerOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where models are installed (env VOXFLEET_DATA_DIR)')
    .option(
      '--mirror <dir>',
      'model mirror folder tried before the registry URL (env VOXFLEET_MODEL_MIRROR)',
    )
    .option('--registry-url <url>', 'model registry base URL (env VOXFLEET_REGISTRY_URL)')
    .option('--models <names>', 'comma-separated models to load', (v: string) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .option('--decode-concurrency <n>', 'decodes at once (default: number of cores)', toInt)
    .option(
      '--max-streams <n>',
      'hard cap on streams (admission usually refuses earlier, by measured headroom)',
      toInt,
    )
    .option(
      '--batch-share <fraction>',
      'share of decode slots file work may hold at once (default 0.5, at least one slot)',
      Number,
    )
    .option(
      '--target-utilisation <fraction>',
      'admit streams until their finals and first partials fill this share of the slots (default 0.5)',
      Number,
    )
    .option(
      '--speculate-after-ms <ms>',
      "silence after a phrase before a stream's speculative final starts (default 0: as the phrase closes)",
      toInt,
    )
    .option(
      '--tail-paddings <model=frames,...>',
      "file decodes: Whisper tail padding per model, e.g. 'whisper-tiny.en=-1'",
      parseTailPaddings,
    )
    .option(
      '--live-tail-paddings <model=frames,...>',
      "streaming finals: Whisper tail padding per model, e.g. 'whisper-tiny.en=3000'",
      parseTailPaddings,
    )
    .option(
      '--inference-threads <n>',
      'Whisper inference threads per model; 0 = the libuv pool (default: number of cores)',
      toInt,
    )
    .option(
      '--background-threads <n>',
      'low-priority Whisper threads per model for shadow decodes; 0 = shadows share the batch slots (default 1)',
      toInt,
    )
    .option('--max-audio-s <s>', 'longest audio per file request', Number)
    .option('--log-level <level>', 'fatal|error|warn|info|debug|silent');
}

export function toInt(v: string): number {
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected an integer, got '${v}'`);
  return n;
}

function parseTailPaddings(v: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of v.split(',').filter((p) => p.trim() !== '')) {
    const [name, frames] = pair.split('=');
    const n = Number(frames);
    if (name === undefined || name.trim() === '' || !Number.isInteger(n))
      throw new InvalidArgumentError(`expected model=frames, got '${pair}'`);
    out[name.trim()] = n;
  }
  return out;
}
