/**
 * POST /v1/audio/speech (OpenAI-compatible). Audio is sent chunked as each sentence is
 * synthesised; headers wait for the first chunk so early failures keep their HTTP status.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  SUPPORTED_SPEECH_FORMATS,
  VoxfleetError,
  systemClock,
  type Clock,
  type SpeechFormat,
} from '../../core/index.js';
import type { Telemetry } from '../../telemetry/index.js';
import type { FabricForRequest } from '../callers.js';
import { sendError } from '../http-errors.js';
import { parseBody } from '../validation.js';

export interface SpeechRouteOptions {
  /** The fabric that serves this request's caller. */
  readonly fabricFor: FabricForRequest;
  readonly telemetry: Telemetry;
  readonly clock?: Clock;
}

const speechBody = z.object({
  model: z.string().max(128).optional(),
  input: z.string({ required_error: 'is required' }),
  voice: z.string().max(64).optional(),
  response_format: z.enum(['wav', 'pcm', 'mp3', 'flac', 'opus', 'aac']).default('mp3'),
  speed: z.number().min(0.25).max(4).default(1),
  instructions: z.string().max(4096).optional(),
});

export function registerSpeechRoute(app: FastifyInstance, options: SpeechRouteOptions): void {
  const clock = options.clock ?? systemClock;
  app.post('/v1/audio/speech', async (req, reply) => {
    const started = clock.now();
    const abort = new AbortController();
    // The response closing before it finished means the client went away: stop synthesising.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort();
    });
    let model = '';
    try {
      const body = parseBody(speechBody, req.body);
      // OpenAI's names are all accepted above; those no encoder produces (aac, opus) are refused
      // here, before a worker is asked.
      if (!isSupportedFormat(body.response_format)) {
        throw new VoxfleetError(
          'UNSUPPORTED_RESPONSE_FORMAT',
          `'response_format' ${body.response_format} is not supported; use ${SUPPORTED_SPEECH_FORMATS.join(', ')}`,
          { field: 'response_format' },
        );
      }
      const synthesis = await options.fabricFor(req).synthesize(
        {
          ...(body.model !== undefined ? { model: body.model } : {}),
          ...(body.voice !== undefined ? { voice: body.voice } : {}),
          input: body.input,
          speed: body.speed,
          format: body.response_format,
        },
        abort.signal,
      );
      model = synthesis.model;
      const iterator = synthesis.chunks[Symbol.asyncIterator]();
      const first = await iterator.next();
      options.telemetry.ttsFirstByteSent(model, clock.now() - started);
      const telemetry = options.telemetry;
      async function* rest(): AsyncGenerator<Uint8Array> {
        if (!first.done) yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next())
          yield next.value;
        telemetry.requestDone('speech', model, 200);
      }
      return reply
        .code(200)
        .header('x-voxfleet-model', model)
        .header('x-voxfleet-model-version', synthesis.modelVersion)
        .header('x-voxfleet-sample-rate', String(synthesis.sampleRateHz))
        .type(synthesis.contentType)
        .send(Readable.from(rest(), { objectMode: false }));
    } catch (err) {
      const r = sendError(reply, err, options.telemetry);
      options.telemetry.requestDone('speech', model, reply.statusCode);
      return r;
    }
  });
}

function isSupportedFormat(format: string): format is SpeechFormat {
  return (SUPPORTED_SPEECH_FORMATS as readonly string[]).includes(format);
}
