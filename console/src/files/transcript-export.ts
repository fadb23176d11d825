/** A file transcript as txt, srt, vtt or json, for download. */
import type { VerboseTranscript } from '../api/wire';

export const EXPORT_FORMATS = ['txt', 'srt', 'vtt', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const MIME_TYPES: Record<ExportFormat, string> = {
  txt: 'text/plain',
  srt: 'application/x-subrip',
  vtt: 'text/vtt',
  json: 'application/json',
};

export function exportTranscript(
  transcript: VerboseTranscript,
  format: ExportFormat,
): { body: string; mimeType: string } {
  return { body: render(transcript, format), mimeType: MIME_TYPES[format] };
}

function render(t: VerboseTranscript, format: ExportFormat): string {
  switch (format) {
    case 'txt':
      return `${t.text}\n`;
    case 'json':
      return `${JSON.stringify(t, null, 2)}\n`;
    case 'srt':
      return t.segments
        .map((s, i) => `${i + 1}\n${stamp(s.start, ',')} --> ${stamp(s.end, ',')}\n${s.text}\n`)
        .join('\n');
    case 'vtt':
      return [
        'WEBVTT\n',
        ...t.segments.map((s) => `${stamp(s.start, '.')} --> ${stamp(s.end, '.')}\n${s.text}\n`),
      ].join('\n');
  }
}

/** 3.5 -> "00:00:03,500" (srt) or "00:00:03.500" (vtt). */
function stamp(seconds: number, separator: ',' | '.'): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(ms % 1000, 3)}`;
}
