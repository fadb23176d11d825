/**
 * Files: drop or pick an audio file, get a transcript with segments and words, play it from any
 * word, download it as txt, srt, vtt or json.
 */
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../api/http';
import type { VerboseTranscript } from '../api/wire';
import { useModels } from '../ui/use-models';
import { EXPORT_FORMATS, exportTranscript, type ExportFormat } from './transcript-export';
import { transcribeFile } from './transcribe-file';
import { TranscriptPlayer } from './transcript-player';

const LANGUAGES = [
  { value: '', label: "Model's default" },
  { value: 'auto', label: 'Detect' },
  { value: 'en', label: 'English' },
  { value: 'de', label: 'German' },
  { value: 'es', label: 'Spanish' },
  { value: 'fr', label: 'French' },
];

type FileStatus = 'empty' | 'transcribing' | 'done' | 'failed';

export function FilesView() {
  const { models, error: modelsError } = useModels();
  const asrModels = models.filter((m) => m.kind === 'asr');
  const [model, setModel] = useState('');
  const [language, setLanguage] = useState('');
  const [status, setStatus] = useState<FileStatus>('empty');
  const [error, setError] = useState('');
  const [file, setFile] = useState<File | undefined>(undefined);
  const [audioUrl, setAudioUrl] = useState('');
  const [transcript, setTranscript] = useState<VerboseTranscript | undefined>(undefined);
  const [dragging, setDragging] = useState(false);

  useEffect(() => () => URL.revokeObjectURL(audioUrl), [audioUrl]);

  async function take(picked: File): Promise<void> {
    setFile(picked);
    setAudioUrl(URL.createObjectURL(picked));
    setTranscript(undefined);
    setError('');
    setStatus('transcribing');
    try {
      setTranscript(
        await transcribeFile(picked, picked.name, {
          ...(model ? { model } : {}),
          ...(language ? { language } : {}),
        }),
      );
      setStatus('done');
    } catch (err) {
      setError(describeError(err));
      setStatus('failed');
    }
  }

  function onDrop(e: DragEvent): void {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer?.files[0];
    if (dropped) void take(dropped);
  }

  return (
    <section aria-labelledby="files-title">
      <h2 id="files-title">Files</h2>
      <div class="toolbar">
        <label>
          Model{' '}
          <select value={model} onChange={(e) => setModel(e.currentTarget.value)}>
            <option value="">default</option>
            {asrModels.map((m) => (
              <option value={m.id}>
                {m.id} ({m.languages.includes('*') ? 'multilingual' : m.languages.join(', ')})
              </option>
            ))}
          </select>
        </label>
        <label>
          Language{' '}
          <select value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            {LANGUAGES.map((l) => (
              <option value={l.value}>{l.label}</option>
            ))}
          </select>
        </label>
      </div>
      <div
        class={dragging ? 'dropzone dragging' : 'dropzone'}
        data-testid="file-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop an audio file here (WAV, FLAC, MP3, Ogg/Opus), or</p>
        <label class="button">
          Choose a file
          <input
            type="file"
            accept="audio/*,.wav,.flac,.mp3,.ogg,.opus"
            class="visually-hidden"
            data-testid="file-input"
            onChange={(e) => {
              const picked = e.currentTarget.files?.[0];
              if (picked) void take(picked);
            }}
          />
        </label>
      </div>
      {(modelsError || error) && (
        <p class="error" role="alert">
          {error || modelsError}
        </p>
      )}
      <p class="status" role="status" data-testid="file-status" data-status={status}>
        {status === 'transcribing' && `Transcribing ${file?.name ?? ''}…`}
        {status === 'done' &&
          transcript &&
          `${file?.name ?? ''}: ${transcript.duration.toFixed(1)} s, ${transcript.model}, language ${transcript.language}`}
      </p>
      {transcript && (
        <>
          <div class="toolbar">
            Download:{' '}
            {EXPORT_FORMATS.map((f) => (
              <DownloadLink transcript={transcript} format={f} baseName={baseName(file)} />
            ))}
          </div>
          <TranscriptPlayer transcript={transcript} audioUrl={audioUrl} />
        </>
      )}
    </section>
  );
}

function DownloadLink(props: {
  transcript: VerboseTranscript;
  format: ExportFormat;
  baseName: string;
}) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    const { body, mimeType } = exportTranscript(props.transcript, props.format);
    const next = URL.createObjectURL(new Blob([body], { type: mimeType }));
    setUrl(next);
    return () => URL.revokeObjectURL(next);
  }, [props.transcript, props.format]);
  return (
    <a class="button" href={url} download={`${props.baseName}.${props.format}`}>
      {props.format}
    </a>
  );
}

function baseName(file: File | undefined): string {
  return (file?.name ?? 'transcript').replace(/\.[^.]+$/, '');
}
