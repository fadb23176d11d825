/**
 * The privacy gate's search: after a candidate has served sentinel traffic (known phrases, a
 * known API key, known audio), every log line, the metrics page and the fleet view are searched
 * for any of it. Pure: the run that produces the traffic and collects the texts is
 * `voxfleet release privacy-check` (src/cli/privacy-check.ts).
 *
 * What counts as a leak:
 * - text: three consecutive words of a sentinel phrase or of a transcript the server returned
 *   (case and punctuation ignored); single words are not searched, since ordinary words appear
 *   in log messages honestly;
 * - the API key, whole or its last 12 characters (a log that masks the front still leaks it);
 * - audio: a 48-byte stretch of the audio sent, as base64, hex or a JSON byte array (the ways a
 *   buffer ends up in a log line).
 */

export type NeedleKind = 'text' | 'api_key' | 'audio';

export interface Needle {
  readonly kind: NeedleKind;
  /** Searched for in normalised text (kind text) or verbatim. */
  readonly value: string;
}

export interface LeakFinding {
  readonly kind: NeedleKind;
  /** Which collected text held it: `log`, `metrics`, `fleet`... */
  readonly source: string;
  /** 1-based line of that text. */
  readonly line: number;
}

export interface SentinelTraffic {
  readonly phrases: readonly string[];
  /** What the server returned: transcripts (their words are as private as the audio). */
  readonly transcripts: readonly string[];
  readonly apiKey: string;
  readonly audio: readonly Uint8Array[];
}

const WINDOW_WORDS = 3;
const AUDIO_STRETCH_BYTES = 48;

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export function sentinelNeedles(traffic: SentinelTraffic): Needle[] {
  const needles = new Map<string, Needle>();
  const add = (n: Needle): void => void needles.set(`${n.kind}:${n.value}`, n);
  for (const text of [...traffic.phrases, ...traffic.transcripts]) {
    const words = normalise(text).split(' ').filter(Boolean);
    for (let i = 0; i + WINDOW_WORDS <= words.length; i++)
      add({ kind: 'text', value: words.slice(i, i + WINDOW_WORDS).join(' ') });
  }
  add({ kind: 'api_key', value: traffic.apiKey });
  add({ kind: 'api_key', value: traffic.apiKey.slice(-12) });
  for (const bytes of traffic.audio) {
    // From the middle, at an offset divisible by 3 so its base64 is a substring of the whole
    // buffer's base64.
    const from = Math.floor(bytes.length / 6) * 3;
    const stretch = bytes.subarray(from, from + AUDIO_STRETCH_BYTES);
    if (stretch.length < AUDIO_STRETCH_BYTES) continue;
    const buffer = Buffer.from(stretch);
    add({ kind: 'audio', value: buffer.toString('base64') });
    add({ kind: 'audio', value: buffer.toString('hex') });
    add({ kind: 'audio', value: [...stretch].join(',') });
  }
  return [...needles.values()];
}

/** Every needle found in every collected text, by source and line. */
export function findLeaks(
  sources: readonly { readonly source: string; readonly text: string }[],
  needles: readonly Needle[],
): LeakFinding[] {
  const findings: LeakFinding[] = [];
  for (const { source, text } of sources) {
    text.split('\n').forEach((raw, index) => {
      const plain = ` ${normalise(raw)} `;
      for (const needle of needles) {
        const hit =
          needle.kind === 'text' ? plain.includes(` ${needle.value} `) : raw.includes(needle.value);
        if (hit) findings.push({ kind: needle.kind, source, line: index + 1 });
      }
    });
  }
  return findings;
}
