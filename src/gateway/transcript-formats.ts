/**
 * Renders a file transcription in the OpenAI `response_format`s: json, text, verbose_json,
 * srt and vtt.
 */
import {
  VoxfleetError,
  type FileTranscriptionResult,
  type TranscriptSegment,
} from '../core/index.js';

export const TRANSCRIPT_FORMATS = ['json', 'text', 'verbose_json', 'srt', 'vtt'] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export function parseTranscriptFormat(value: string | undefined): TranscriptFormat {
  const v = value ?? 'json';
  if ((TRANSCRIPT_FORMATS as readonly string[]).includes(v)) return v as TranscriptFormat;
  throw new VoxfleetError(
    'UNSUPPORTED_RESPONSE_FORMAT',
    `'response_format' must be one of ${TRANSCRIPT_FORMATS.join(', ')} (got ${JSON.stringify(v).slice(0, 40)})`,
    { field: 'response_format' },
  );
}

export interface RenderOptions {
  readonly task: 'transcribe' | 'translate';
  readonly words: boolean;
  readonly segments: boolean;
}

export function renderTranscript(
  result: FileTranscriptionResult,
  format: TranscriptFormat,
  options: RenderOptions,
): { contentType: string; body: string } {
  switch (format) {
    case 'json':
      return json({
        text: result.text,
        usage: { type: 'duration', seconds: Math.ceil(result.durationS) },
      });
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: `${result.text}\n` };
    case 'srt':
      return { contentType: 'application/x-subrip; charset=utf-8', body: toSrt(result.segments) };
    case 'vtt':
      return { contentType: 'text/vtt; charset=utf-8', body: toVtt(result.segments) };
    case 'verbose_json':
      return json(verbose(result, options));
  }
}

function verbose(result: FileTranscriptionResult, options: RenderOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    task: options.task,
    language: languageName(result.language),
    duration: round(result.durationS),
    text: result.text,
    model: result.model,
    model_version: result.modelVersion,
  };
  if (options.segments || !options.words) {
    body.segments = result.segments.map((s) => ({
      id: s.id,
      seek: Math.round(s.start_s * 100),
      start: s.start_s,
      end: s.end_s,
      text: s.text,
      tokens: [],
      temperature: 0,
      avg_logprob: 0,
      compression_ratio: 0,
      no_speech_prob: 0,
    }));
  }
  if (options.words) {
    // Word times are estimated within each VAD speech span (the engine gives none).
    body.words = result.segments.flatMap((s) =>
      s.words.map((w) => ({ word: w.word, start: w.start_s, end: w.end_s })),
    );
  }
  return body;
}

/** 'de' -> 'german', as OpenAI's verbose_json names languages. */
export function languageName(code: string): string {
  if (!code) return 'unknown';
  try {
    return (new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code).toLowerCase();
  } catch {
    return code;
  }
}

export function toSrt(segments: readonly TranscriptSegment[]): string {
  return segments
    .map(
      (s, i) =>
        `${i + 1}\n${timestamp(s.start_s, ',')} --> ${timestamp(s.end_s, ',')}\n${s.text}\n`,
    )
    .join('\n');
}

export function toVtt(segments: readonly TranscriptSegment[]): string {
  const cues = segments.map(
    (s) => `${timestamp(s.start_s, '.')} --> ${timestamp(s.end_s, '.')}\n${s.text}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}

function timestamp(seconds: number, sep: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

function json(body: unknown): { contentType: string; body: string } {
  return { contentType: 'application/json; charset=utf-8', body: JSON.stringify(body) };
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}
