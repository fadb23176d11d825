import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { synthesizeSpeech } from '../../client/index.js';

interface SynthesizeOpts {
  url: string;
  output: string;
  voice?: string;
  model?: string;
  format: 'wav' | 'pcm' | 'mp3' | 'flac';
  speed: number;
}

export function registerSynthesize(program: Command): void {
  program
    .command('synthesize')
    .description('speak text with a running voxfleet server')
    .argument('<text>', 'what to say')
    .requiredOption('-o, --output <file>', 'where to write the audio')
    .option('--url <url>', 'server URL', process.env.VOXFLEET_URL ?? 'http://127.0.0.1:8080')
    .option('--voice <name>', 'voice name')
    .option('--model <name>', 'TTS model or alias')
    .option('--format <f>', 'wav, pcm (24 kHz s16le), mp3 or flac', 'wav')
    .option('--speed <x>', 'speaking rate, 0.25 to 4', Number, 1)
    .action(async (text: string, o: SynthesizeOpts) => {
      const started = performance.now();
      const res = await synthesizeSpeech(o.url, text, {
        format: o.format,
        speed: o.speed,
        ...(o.voice !== undefined ? { voice: o.voice } : {}),
        ...(o.model !== undefined ? { model: o.model } : {}),
      });
      if (res.body === null) throw new Error('empty response');
      await pipeline(
        Readable.fromWeb(res.body as ReadableStream<Uint8Array>),
        createWriteStream(o.output),
      );
      process.stderr.write(
        `wrote ${o.output} in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
      );
    });
}
