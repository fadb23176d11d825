/** POST /v1/audio/transcriptions with word and segment times (verbose_json). */
import { ensureOk } from '../api/http';
import type { VerboseTranscript } from '../api/wire';

export interface TranscribeFileOptions {
  readonly model?: string;
  /** An ISO 639-1 code, or 'auto' to detect it (multilingual models). */
  readonly language?: string;
  readonly signal?: AbortSignal;
}

export async function transcribeFile(
  file: Blob,
  fileName: string,
  options: TranscribeFileOptions,
): Promise<VerboseTranscript> {
  const form = new FormData();
  form.append('file', file, fileName);
  form.append('response_format', 'verbose_json');
  form.append('timestamp_granularities[]', 'word');
  form.append('timestamp_granularities[]', 'segment');
  if (options.model) form.append('model', options.model);
  if (options.language) form.append('language', options.language);
  const response = await ensureOk(
    await fetch('/v1/audio/transcriptions', {
      method: 'POST',
      body: form,
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  return (await response.json()) as VerboseTranscript;
}
