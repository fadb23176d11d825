/**
 * The /v1/listen WebSocket protocol: the client's `start` message (or the same settings as
 * query parameters, Deepgram-style) and control messages. docs/streaming.md documents it.
 */
import { z } from 'zod';
import {
  RAW_ENCODINGS,
  SUPPORTED_INPUT_RATES_HZ,
  VoxfleetError,
  type RawEncoding,
} from '../core/index.js';
import { parseBody } from './validation.js';

export interface ListenSettings {
  readonly model?: string;
  readonly encoding: RawEncoding;
  readonly sampleRateHz: number;
  readonly language?: string;
  readonly interimResults: boolean;
  readonly endpointingMs: number;
}

/** Endpointing bounds: below 100 ms every breath ends an utterance; above 5 s finals stall. */
export const ENDPOINTING_MS = { min: 100, max: 5000, default: 500 } as const;

const boolish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const intish = z.union([
  z.number(),
  z.string().regex(/^\d+$/, 'must be an integer').transform(Number),
]);

const startSchema = z
  .object({
    type: z.literal('start').optional(),
    model: z.string().max(128).optional(),
    encoding: z.enum(RAW_ENCODINGS as [RawEncoding, ...RawEncoding[]]).default('pcm_s16le'),
    sample_rate: intish
      .pipe(
        z
          .number()
          .int()
          .refine(
            (r) => SUPPORTED_INPUT_RATES_HZ.includes(r),
            `must be one of ${SUPPORTED_INPUT_RATES_HZ.join(', ')}`,
          ),
      )
      .default(16000),
    language: z
      .string()
      .regex(/^([a-z]{2,3}|auto)$/, "must be an ISO 639-1 code such as 'en', or 'auto'")
      .optional(),
    interim_results: boolish.default(true),
    endpointing_ms: intish
      .pipe(z.number().int().min(ENDPOINTING_MS.min).max(ENDPOINTING_MS.max))
      .default(ENDPOINTING_MS.default),
  })
  .strict();

export function parseListenSettings(input: unknown): ListenSettings {
  const s = parseBody(startSchema, input);
  return {
    ...(s.model !== undefined ? { model: s.model } : {}),
    ...(s.language !== undefined ? { language: s.language } : {}),
    encoding: s.encoding,
    sampleRateHz: s.sample_rate,
    interimResults: s.interim_results,
    endpointingMs: s.endpointing_ms,
  };
}

export type ClientMessage =
  | { readonly type: 'start'; readonly settings: ListenSettings }
  | { readonly type: 'finalize' }
  | { readonly type: 'keepalive' }
  | { readonly type: 'close' };

/** Parses one text frame from the client. */
export function parseClientMessage(text: string): ClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VoxfleetError(
      'PROTOCOL_VIOLATION',
      'text frames must be JSON messages; send audio as binary frames',
    );
  }
  const type =
    json !== null && typeof json === 'object' ? (json as { type?: unknown }).type : undefined;
  switch (type) {
    case 'start':
      return { type: 'start', settings: parseListenSettings(json) };
    case 'finalize':
    case 'keepalive':
    case 'close':
      return { type };
    default:
      throw new VoxfleetError(
        'PROTOCOL_VIOLATION',
        `'type' must be one of start, finalize, keepalive, close (got ${JSON.stringify(type ?? null).slice(0, 40)})`,
        { field: 'type' },
      );
  }
}
