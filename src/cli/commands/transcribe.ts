import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ListenSession, streamPcm16, transcribeBytes } from '../../client/index.js';
import { decodeAudioFile, resample, toPcm16 } from '../../core/index.js';

interface TranscribeOpts {
  url: string;
  model?: string;
  language?: string;
  apiKey?: string;
  region?: string;
  stream?: boolean;
  pace: number;
  json?: boolean;
  srt?: boolean;
  vtt?: boolean;
}

export function registerTranscribe(program: Command): void {
  program
    .command('transcribe')
    .description('transcribe audio files with a running voxfleet server')
    .argument('<files...>', 'audio files (wav, flac, ogg/opus, mp3)')
    .option('--url <url>', 'server URL', process.env.VOXFLEET_URL ?? 'http://127.0.0.1:8080')
    .option('--model <name>', 'model or alias (default: by language)')
    .option(
      '--api-key <key>',
      'API key, for gateways that list tenants (env VOXFLEET_API_KEY)',
      process.env.VOXFLEET_API_KEY,
    )
    .option('--region <name>', 'the region you are nearest to (gateways with a fleet file)')
    .option('--language <code>', "ISO 639-1 code, or 'auto' to detect")
    .option(
      '--stream',
      'send through the WebSocket at real-time pace, printing partials and finals',
    )
    .option(
      '--pace <x>',
      'with --stream: speed relative to real time (Infinity = as fast as possible)',
      Number,
      1,
    )
    .option('--json', 'print verbose JSON with segments and words')
    .option('--srt', 'print SubRip subtitles')
    .option('--vtt', 'print WebVTT subtitles')
    .action(async (files: string[], o: TranscribeOpts) => {
      for (const file of files) {
        const bytes = new Uint8Array(await readFile(file));
        if (o.stream === true) await streamFile(bytes, o);
        else {
          const format =
            o.json === true
              ? 'verbose_json'
              : o.srt === true
                ? 'srt'
                : o.vtt === true
                  ? 'vtt'
                  : 'text';
          const out = await transcribeBytes(o.url, bytes, {
            responseFormat: format,
            fileName: file,
            ...(o.model !== undefined ? { model: o.model } : {}),
            ...(o.language !== undefined ? { language: o.language } : {}),
            ...callerOf(o),
            ...(format === 'verbose_json' ? { timestampGranularities: ['word', 'segment'] } : {}),
          });
          process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
        }
      }
    });
}

async function streamFile(bytes: Uint8Array, o: TranscribeOpts): Promise<void> {
  const audio = await resample(
    await decodeAudioFile(bytes, { maxDurationS: 24 * 3600, maxChannels: 16 }),
    16000,
  );
  const session = await ListenSession.open(o.url, {
    sampleRateHz: 16000,
    ...(o.model !== undefined ? { model: o.model } : {}),
    ...(o.language !== undefined ? { language: o.language } : {}),
    ...callerOf(o),
  });
  const tty = process.stdout.isTTY;
  session.onEvent((e) => {
    if (o.json === true) {
      process.stdout.write(`${JSON.stringify(e)}\n`);
    } else if (e.type === 'partial' && tty) {
      process.stdout.write(`\r\x1b[2K… ${e.text}`);
    } else if (e.type === 'final') {
      process.stdout.write(
        `${tty ? '\r\x1b[2K' : ''}[${e.start_s.toFixed(2)}-${e.end_s.toFixed(2)}] ${e.text}\n`,
      );
    } else if (e.type === 'error') {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
      process.exitCode = 1;
    }
  });
  await streamPcm16(session, toPcm16(audio.samples), {
    sampleRateHz: 16000,
    frameMs: 100,
    pace: o.pace,
  });
}

function callerOf(o: TranscribeOpts): { apiKey?: string; region?: string } {
  return {
    ...(o.apiKey !== undefined && o.apiKey !== '' ? { apiKey: o.apiKey } : {}),
    ...(o.region !== undefined ? { region: o.region } : {}),
  };
}
