/** Mono float PCM in [-1, 1]: the one in-memory audio shape every role passes around. */
export interface PcmAudio {
  readonly samples: Float32Array;
  readonly sampleRateHz: number;
}

/** What a container/codec decode yields before resampling: already mixed down to mono. */
export interface DecodedAudio extends PcmAudio {
  /** Channels in the source before the mono mix-down. */
  readonly sourceChannels: number;
  /** Detected container/codec, e.g. 'wav/pcm_s16le', 'flac', 'ogg/opus', 'mp3', 'raw/pcm_s16le'. */
  readonly format: string;
  readonly durationS: number;
}

/** Encodings accepted for raw PCM (WebSocket frames, or REST uploads declared as raw). */
export type RawEncoding = 'pcm_s16le' | 'pcm_f32le' | 'mulaw' | 'alaw';

export const RAW_ENCODINGS: readonly RawEncoding[] = ['pcm_s16le', 'pcm_f32le', 'mulaw', 'alaw'];

/** Bytes one sample takes in each raw encoding (one channel). */
export const BYTES_PER_SAMPLE: Readonly<Record<RawEncoding, number>> = Object.freeze({
  pcm_s16le: 2,
  pcm_f32le: 4,
  mulaw: 1,
  alaw: 1,
});

/** Sample rates accepted for raw PCM input. */
export const SUPPORTED_INPUT_RATES_HZ: readonly number[] = [
  8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000,
];

export interface AudioLimits {
  /** Longest audio accepted, in seconds. */
  readonly maxDurationS: number;
  /** Most channels accepted before the mono mix-down. */
  readonly maxChannels: number;
}

/** Output formats for synthesized speech (OpenAI `response_format`). */
export type SpeechFormat = 'wav' | 'pcm' | 'mp3' | 'flac' | 'opus';
