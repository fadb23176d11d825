export { SpeechWorker } from './speech-worker.js';
export type { SpeechWorkerDeps, WorkerConfig } from './speech-worker.js';
export { ModelSet } from './model-set.js';
export type { LoadedAsrModel, LoadedTtsModel } from './model-set.js';
export { loadModels } from './model-loader.js';
export type { LoadedModels, ModelLoadTuning } from './model-loader.js';
