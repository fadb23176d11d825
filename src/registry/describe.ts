/**
 * The manifest seen from outside: the `ModelDescriptor` a worker advertises for a loaded model.
 */
import { VoxfleetError, type ModelDescriptor } from '../core/index.js';
import type { Manifest } from './manifest.js';

type Capability = ModelDescriptor['capabilities'][number];

export function describeModel(manifest: Manifest): ModelDescriptor {
  const { kind, inputs, outputs } = manifest;
  if (kind === 'speaker') {
    throw new VoxfleetError(
      'MODEL_CAPABILITY_UNSUPPORTED',
      `${manifest.name}: speaker models are not served yet`,
      { field: 'model' },
    );
  }
  const capabilities: Capability[] = [];
  if (kind === 'asr') {
    // Offline ASR models are streamed through VAD segmentation (ARCHITECTURE.md).
    capabilities.push('transcribe', 'stream');
    if (inputs.canTranslate) capabilities.push('translate');
    if (inputs.canDetectLanguage) capabilities.push('detect_language');
  }
  if (kind === 'tts') capabilities.push('synthesize');
  const sampleRateHz = outputs.type === 'audio' ? outputs.sampleRateHz : inputs.sampleRateHz;
  return {
    name: manifest.name,
    version: manifest.version,
    kind,
    languages: [...inputs.languages],
    sampleRateHz: sampleRateHz ?? 0,
    capabilities,
    ...(outputs.type === 'audio' ? { voices: outputs.voices.map((v) => v.name) } : {}),
    aliases: [...manifest.aliases],
  };
}
