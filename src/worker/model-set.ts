/**
 * The models a worker has loaded, and how a request's `model` + `language` pick one.
 * Generic names ('whisper-1', 'asr', none) resolve by language: English (or no language) goes
 * to the English model, any other language or 'auto' to the multilingual one.
 */
import { VoxfleetError, type ModelDescriptor } from '../core/index.js';
import type { FileAsrEngine, TtsEngine } from '../engines/index.js';
import type { AsrModelSettings } from './model-settings.js';

export interface LoadedAsrModel {
  readonly descriptor: ModelDescriptor;
  readonly engine: FileAsrEngine;
  /** Segmentation and post-processing, from the version's manifest. */
  readonly settings: AsrModelSettings;
}

export interface LoadedTtsModel {
  readonly descriptor: ModelDescriptor;
  readonly engine: TtsEngine;
}

/** Names that mean "the right ASR model for this language". */
const GENERIC_ASR_NAMES = new Set([
  'whisper-1',
  'asr',
  'default',
  'gpt-4o-transcribe',
  'gpt-4o-mini-transcribe',
]);
const GENERIC_TTS_NAMES = new Set(['tts', 'default']);

export class ModelSet {
  constructor(
    readonly asr: readonly LoadedAsrModel[],
    readonly tts: readonly LoadedTtsModel[],
  ) {}

  /**
   * This set with `more` after it: what a name or alias resolved to stays (the versions loaded
   * first are found first); a version already here is not added twice.
   */
  with(more: ModelSet): ModelSet {
    const known = new Set(this.descriptors().map((d) => `${d.name}@${d.version}`));
    const fresh = <M extends { descriptor: ModelDescriptor }>(m: M): boolean =>
      !known.has(`${m.descriptor.name}@${m.descriptor.version}`);
    return new ModelSet(
      [...this.asr, ...more.asr.filter(fresh)],
      [...this.tts, ...more.tts.filter(fresh)],
    );
  }

  /** Whether `name@version` is loaded. */
  has(ref: string): boolean {
    return this.descriptors().some((d) => `${d.name}@${d.version}` === ref);
  }

  descriptors(): ModelDescriptor[] {
    return [...this.asr.map((m) => m.descriptor), ...this.tts.map((m) => m.descriptor)];
  }

  /**
   * Picks the ASR model for a request. `language` is ISO 639-1, 'auto', or undefined.
   * Throws MODEL_NOT_FOUND or MODEL_CAPABILITY_UNSUPPORTED with a message a user can act on.
   */
  resolveAsr(
    model: string | undefined,
    language: string | undefined,
    task: 'transcribe' | 'translate',
  ): LoadedAsrModel {
    const wantsOther = (language !== undefined && language !== 'en') || task === 'translate';
    let picked: LoadedAsrModel | undefined;
    if (model === undefined || model === '' || GENERIC_ASR_NAMES.has(model)) {
      picked = wantsOther
        ? this.asr.find(isMultilingual)
        : (this.asr.find(speaksOnlyEnglish) ?? this.asr.find(isMultilingual));
      if (picked === undefined) {
        throw new VoxfleetError(
          'MODEL_NOT_FOUND',
          wantsOther
            ? `no multilingual ASR model is loaded for language '${language ?? 'auto'}'`
            : 'no ASR model is loaded',
          { field: 'model' },
        );
      }
    } else {
      picked = this.asr.find((m) => matches(m.descriptor, model));
      if (picked === undefined) {
        throw new VoxfleetError(
          'MODEL_NOT_FOUND',
          `model '${model}' is not loaded; loaded ASR models: ${this.asr.map((m) => m.descriptor.name).join(', ')}`,
          { field: 'model' },
        );
      }
    }
    const d = picked.descriptor;
    if (task === 'translate' && !d.capabilities.includes('translate')) {
      throw new VoxfleetError(
        'MODEL_CAPABILITY_UNSUPPORTED',
        `model '${d.name}' cannot translate`,
        { field: 'model' },
      );
    }
    if (
      language !== undefined &&
      language !== 'auto' &&
      !d.languages.includes('*') &&
      !d.languages.includes(language)
    ) {
      throw new VoxfleetError(
        'MODEL_CAPABILITY_UNSUPPORTED',
        `model '${d.name}' does not support language '${language}' (it supports ${d.languages.join(', ')})`,
        { field: 'language' },
      );
    }
    return picked;
  }

  resolveTts(model: string | undefined): LoadedTtsModel {
    const picked =
      model === undefined || model === '' || GENERIC_TTS_NAMES.has(model)
        ? this.tts[0]
        : this.tts.find((m) => matches(m.descriptor, model));
    if (picked === undefined) {
      throw new VoxfleetError(
        'MODEL_NOT_FOUND',
        `TTS model '${model ?? 'default'}' is not loaded; loaded: ${this.tts.map((m) => m.descriptor.name).join(', ') || 'none'}`,
        { field: 'model' },
      );
    }
    return picked;
  }
}

function matches(d: ModelDescriptor, name: string): boolean {
  return d.name === name || `${d.name}@${d.version}` === name || d.aliases.includes(name);
}

function isMultilingual(m: LoadedAsrModel): boolean {
  return m.descriptor.languages.includes('*');
}

function speaksOnlyEnglish(m: LoadedAsrModel): boolean {
  return m.descriptor.languages.length === 1 && m.descriptor.languages[0] === 'en';
}
