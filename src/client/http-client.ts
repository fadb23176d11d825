/** REST calls to a voxfleet server (or any OpenAI-compatible one) for files and speech. */
import type { FileTranscriptionResult } from '../core/index.js';
import { callerHeaders, type CallerOptions } from './caller.js';
import { request } from './request.js';

export interface TranscribeFileOptions extends CallerOptions {
  readonly model?: string;
  readonly language?: string;
  readonly responseFormat?: 'json' | 'text' | 'verbose_json' | 'srt' | 'vtt';
  readonly timestampGranularities?: readonly ('word' | 'segment')[];
  readonly fileName?: string;
  /** Aborts the upload or the wait for the answer; the call rejects with the abort reason. */
  readonly signal?: AbortSignal;
}

export async function transcribeBytes(
  baseUrl: string,
  audio: Uint8Array,
  options: TranscribeFileOptions = {},
): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([audio]), options.fileName ?? 'audio');
  form.set('model', options.model ?? 'whisper-1');
  if (options.language !== undefined) form.set('language', options.language);
  form.set('response_format', options.responseFormat ?? 'json');
  for (const g of options.timestampGranularities ?? []) form.append('timestamp_granularities[]', g);
  const res = await request(new URL('/v1/audio/transcriptions', baseUrl), {
    method: 'POST',
    headers: callerHeaders(options),
    body: form,
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
  return res.text();
}

export type VerboseTranscript = Pick<FileTranscriptionResult, 'text'> & {
  language: string;
  duration: number;
  segments?: { id: number; start: number; end: number; text: string }[];
  words?: { word: string; start: number; end: number }[];
};

export interface SynthesizeOptions extends CallerOptions {
  readonly model?: string;
  readonly voice?: string;
  readonly format?: 'wav' | 'pcm' | 'mp3' | 'flac';
  readonly speed?: number;
}

export async function synthesizeSpeech(
  baseUrl: string,
  input: string,
  options: SynthesizeOptions = {},
): Promise<Response> {
  return request(new URL('/v1/audio/speech', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callerHeaders(options) },
    body: JSON.stringify({
      model: options.model ?? 'tts-1',
      input,
      voice: options.voice ?? 'joe',
      response_format: options.format ?? 'wav',
      speed: options.speed ?? 1,
    }),
  });
}
