/**
 * Test helpers: synthetic signals, WAV byte builders (including broken ones), fixture loading.
 * Not part of the build (src/**\/testing/** is excluded).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VoxfleetError, type ErrorCode } from '../../errors.js';
import type { AudioLimits } from '../types.js';

export const LIMITS: AudioLimits = Object.freeze({ maxDurationS: 600, maxChannels: 8 });

export function sine(
  frequencyHz: number,
  sampleRateHz: number,
  durationS: number,
  amplitude = 0.5,
): Float32Array {
  const out = new Float32Array(Math.round(sampleRateHz * durationS));
  for (let i = 0; i < out.length; i++)
    out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRateHz);
  return out;
}

/** Frequency estimated from sign changes (two per period), ignoring `edgeS` at both ends. */
export function estimateFrequencyHz(
  samples: Float32Array,
  sampleRateHz: number,
  edgeS = 0.05,
): number {
  const edge = Math.round(edgeS * sampleRateHz);
  let crossings = 0;
  for (let i = edge + 1; i < samples.length - edge; i++) {
    if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  }
  return crossings / 2 / ((samples.length - 2 * edge) / sampleRateHz);
}

export function peak(samples: Float32Array): number {
  let max = 0;
  for (const x of samples) max = Math.max(max, Math.abs(x));
  return max;
}

export function maxAbsDiff(
  a: Float32Array,
  b: Float32Array,
  length = Math.min(a.length, b.length),
): number {
  let max = 0;
  for (let i = 0; i < length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../testdata/${name}`, import.meta.url)));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface WavSpec {
  formatCode?: number;
  channels?: number;
  sampleRateHz?: number;
  bitsPerSample?: number;
  blockAlignBytes?: number;
  /** Writes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with this sub-format code. */
  extensibleSubformat?: number;
  data: Uint8Array;
  /** Overrides the data chunk's size field. */
  declaredDataBytes?: number;
  /** Raw chunks placed between 'fmt ' and 'data'. */
  chunksBeforeData?: Uint8Array[];
  container?: 'RIFF' | 'RF64';
}

/** Builds WAV bytes field by field, so tests can write what no sane encoder would. */
export function buildWav(spec: WavSpec): Uint8Array {
  const channels = spec.channels ?? 1;
  const bits = spec.bitsPerSample ?? 16;
  const rate = spec.sampleRateHz ?? 16000;
  const blockAlign = spec.blockAlignBytes ?? channels * Math.ceil(bits / 8);
  const extensible = spec.extensibleSubformat !== undefined;
  const fmt = new Uint8Array(8 + (extensible ? 40 : 16));
  const f = new DataView(fmt.buffer);
  ascii(fmt, 0, 'fmt ');
  f.setUint32(4, extensible ? 40 : 16, true);
  f.setUint16(8, extensible ? 0xfffe : (spec.formatCode ?? 1), true);
  f.setUint16(10, channels, true);
  f.setUint32(12, rate, true);
  f.setUint32(16, rate * blockAlign, true);
  f.setUint16(20, blockAlign, true);
  f.setUint16(22, bits, true);
  if (extensible) {
    f.setUint16(24, 22, true);
    f.setUint16(26, bits, true);
    f.setUint32(28, 0, true);
    f.setUint16(32, spec.extensibleSubformat!, true);
    fmt.set(
      [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71],
      34,
    );
  }
  const dataHeader = new Uint8Array(8);
  ascii(dataHeader, 0, 'data');
  new DataView(dataHeader.buffer).setUint32(4, spec.declaredDataBytes ?? spec.data.length, true);
  const rf64 = spec.container === 'RF64';
  const ds64 = rf64 ? chunk('ds64', new Uint8Array(28)) : new Uint8Array(0);
  if (rf64) {
    const dv = new DataView(ds64.buffer);
    dv.setUint32(8 + 8, spec.data.length, true); // data size, low 32 bits
    new DataView(dataHeader.buffer).setUint32(4, 0xffffffff, true);
  }
  const body = concatBytes(ds64, fmt, ...(spec.chunksBeforeData ?? []), dataHeader, spec.data);
  const head = new Uint8Array(12);
  ascii(head, 0, rf64 ? 'RF64' : 'RIFF');
  new DataView(head.buffer).setUint32(4, rf64 ? 0xffffffff : 4 + body.length, true);
  ascii(head, 8, 'WAVE');
  return concatBytes(head, body);
}

/** A RIFF chunk with the pad byte for odd sizes (set `pad` false to leave it out). */
export function chunk(id: string, body: Uint8Array, pad = true): Uint8Array {
  const head = new Uint8Array(8);
  ascii(head, 0, id);
  new DataView(head.buffer).setUint32(4, body.length, true);
  return concatBytes(
    head,
    body,
    pad && body.length % 2 === 1 ? new Uint8Array(1) : new Uint8Array(0),
  );
}

export function int16Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(Int16Array.from(values).buffer);
}

export function ascii(target: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) target[offset + i] = text.charCodeAt(i);
}

/** Asserts that `run` rejects/throws a VoxfleetError with `code` and a message matching `pattern`. */
export async function assertAudioError(
  run: () => unknown,
  code: ErrorCode,
  pattern?: RegExp,
): Promise<VoxfleetError> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  assert.ok(
    caught instanceof VoxfleetError,
    `expected VoxfleetError ${code}, got ${String(caught)}`,
  );
  assert.equal(caught.code, code, `expected ${code}, got ${caught.code}: ${caught.message}`);
  if (pattern !== undefined) assert.match(caught.message, pattern);
  return caught;
}
