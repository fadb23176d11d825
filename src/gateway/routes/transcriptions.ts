/**
 * POST /v1/audio/transcriptions and /v1/audio/translations (OpenAI-compatible multipart).
 * Extra fields beyond OpenAI's: `encoding` + `sample_rate` for headerless PCM uploads.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  RAW_ENCODINGS,
  SUPPORTED_INPUT_RATES_HZ,
  VoxfleetError,
  invalidArgument,
  type AsrTask,
  type FileTranscriptionRequest,
  type RawEncoding,
} from '../../core/index.js';
import type { FabricClient } from '../../fabric/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { FabricForRequest } from '../callers.js';
import { sendError } from '../http-errors.js';
import { parseTranscriptFormat, renderTranscript } from '../transcript-formats.js';

export interface TranscriptionRouteOptions {
  /** The fabric that serves this request's caller. */
  readonly fabricFor: FabricForRequest;
  readonly telemetry: Telemetry;
  readonly uploadLimitBytes: number;
}

interface ParsedUpload {
  readonly audio: Uint8Array | undefined;
  readonly fields: Map<string, string[]>;
}

export function registerTranscriptionRoutes(
  app: FastifyInstance,
  options: TranscriptionRouteOptions,
): void {
  app.post('/v1/audio/transcriptions', (req, reply) => handle(req, reply, options, 'transcribe'));
  app.post('/v1/audio/translations', (req, reply) => handle(req, reply, options, 'translate'));
}

async function handle(
  req: FastifyRequest,
  reply: FastifyReply,
  options: TranscriptionRouteOptions,
  task: AsrTask,
): Promise<FastifyReply> {
  const route = task === 'translate' ? 'translations' : 'transcriptions';
  let model = '';
  const abort = new AbortController();
  // The response closing before it finished means the client went away: stop decoding.
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  try {
    const upload = await readUpload(req, options.uploadLimitBytes);
    const field = (name: string): string | undefined => upload.fields.get(name)?.[0];
    if (upload.audio === undefined)
      throw new VoxfleetError('INVALID_ARGUMENT', "'file' is required", { field: 'file' });
    const format = parseTranscriptFormat(field('response_format'));
    const granularities = [
      ...(upload.fields.get('timestamp_granularities[]') ?? []),
      ...(upload.fields.get('timestamp_granularities') ?? []),
    ];
    for (const g of granularities)
      if (g !== 'word' && g !== 'segment')
        throw invalidArgument('timestamp_granularities[]', "must be 'word' or 'segment'", g);
    const stream = field('stream') === 'true';
    const request: FileTranscriptionRequest = {
      ...optional('model', field('model')),
      ...optional(
        'language',
        task === 'translate' ? (field('language') ?? 'auto') : parseLanguage(field('language')),
      ),
      ...optional('prompt', field('prompt')),
      task,
      audio: upload.audio,
      ...rawFormat(field('encoding'), field('sample_rate')),
    };
    model = request.model ?? '';
    const fabric = options.fabricFor(req);
    if (stream) return await streamTranscript(reply, fabric, options, request, abort.signal, route);
    const result = await fabric.transcribe(request, { signal: abort.signal });
    model = result.model;
    const rendered = renderTranscript(result, format, {
      task,
      words: granularities.includes('word'),
      segments: granularities.includes('segment'),
    });
    options.telemetry.requestDone(route, model, 200);
    return reply.code(200).type(rendered.contentType).send(rendered.body);
  } catch (err) {
    const e = sendError(reply, err, options.telemetry);
    options.telemetry.requestDone(route, model, reply.statusCode);
    return e;
  }
}

/** Server-sent events in OpenAI's transcription stream shape, one delta per segment. */
async function streamTranscript(
  reply: FastifyReply,
  fabric: FabricClient,
  options: TranscriptionRouteOptions,
  request: FileTranscriptionRequest,
  signal: AbortSignal,
  route: string,
): Promise<FastifyReply> {
  // Headers go out with the first segment, so errors found before any audio was decoded
  // (bad audio, unknown model) still get their proper HTTP status.
  let started = false;
  const write = (event: Record<string, unknown>): void => {
    if (!started) {
      started = true;
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
    }
    reply.raw.write(`data: ${JSON.stringify(event)}\n\n`);
  };
  try {
    const result = await fabric.transcribe(request, {
      signal,
      onSegment: (s) =>
        write({
          type: 'transcript.text.delta',
          delta: s.id === 0 ? s.text : ` ${s.text}`,
          segment: { id: s.id, start: s.start_s, end: s.end_s },
        }),
    });
    write({
      type: 'transcript.text.done',
      text: result.text,
      language: result.language,
      duration: result.durationS,
    });
    reply.raw.end();
    options.telemetry.requestDone(route, result.model, 200);
    return reply;
  } catch (err) {
    if (!started) throw err;
    // Headers are gone: report the failure in-band and end the stream.
    const e = err instanceof VoxfleetError ? err : new VoxfleetError('INTERNAL', 'internal error');
    reply.raw.end(`data: ${JSON.stringify({ type: 'error', error: e.toWire() })}\n\n`);
    return reply;
  }
}

async function readUpload(req: FastifyRequest, limitBytes: number): Promise<ParsedUpload> {
  if (!req.isMultipart()) {
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      'the request body must be multipart/form-data with a file part',
      { field: 'file' },
    );
  }
  const fields = new Map<string, string[]>();
  let audio: Uint8Array | undefined;
  try {
    for await (const part of req.parts({
      limits: { fileSize: limitBytes, files: 1, fields: 32, fieldSize: 64 * 1024 },
    })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file')
          throw invalidArgument(part.fieldname, "is not a file field (use 'file')");
        audio = new Uint8Array(await part.toBuffer());
      } else {
        const list = fields.get(part.fieldname) ?? [];
        list.push(String(part.value));
        fields.set(part.fieldname, list);
      }
    }
  } catch (err) {
    if (err instanceof VoxfleetError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new VoxfleetError('UPLOAD_TOO_LARGE', `the upload is larger than ${limitBytes} bytes`, {
        field: 'file',
      });
    }
    if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
      throw new VoxfleetError(
        'INVALID_ARGUMENT',
        'too many parts in the form: send one file and the documented fields',
      );
    }
    throw new VoxfleetError(
      'INVALID_ARGUMENT',
      'the multipart body is malformed or was cut short',
      {},
      { cause: err },
    );
  }
  return { audio, fields };
}

function parseLanguage(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const v = value.toLowerCase();
  if (v === 'auto' || /^[a-z]{2,3}$/.test(v)) return v;
  throw invalidArgument(
    'language',
    "must be an ISO 639-1 code such as 'en' or 'de', or 'auto'",
    value,
  );
}

function rawFormat(
  encoding: string | undefined,
  sampleRate: string | undefined,
): Pick<FileTranscriptionRequest, 'rawFormat' | 'declaredSampleRateHz'> {
  if (encoding === undefined) {
    if (sampleRate === undefined || sampleRate === '') return {};
    const declared = Number(sampleRate);
    if (!Number.isInteger(declared) || declared <= 0)
      throw invalidArgument('sample_rate', 'must be a positive integer', sampleRate);
    return { declaredSampleRateHz: declared };
  }
  if (!(RAW_ENCODINGS as readonly string[]).includes(encoding)) {
    throw new VoxfleetError(
      'AUDIO_UNSUPPORTED_ENCODING',
      `'encoding' must be one of ${RAW_ENCODINGS.join(', ')} (got ${JSON.stringify(encoding).slice(0, 40)})`,
      {
        field: 'encoding',
      },
    );
  }
  const rate = Number(sampleRate);
  if (!SUPPORTED_INPUT_RATES_HZ.includes(rate)) {
    throw invalidArgument(
      'sample_rate',
      `must be one of ${SUPPORTED_INPUT_RATES_HZ.join(', ')} for raw PCM`,
      sampleRate,
    );
  }
  return { rawFormat: { encoding: encoding as RawEncoding, sampleRateHz: rate } };
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Record<K, string>);
}
