// Public surface of `voxfleet capacity` (re-exported by the eval role's index.ts).
export { CAPACITY_DEFAULTS, compileCapacityConfig } from './capacity-config.js';
export type { CapacityConfig, CapacityOptions, CapacitySlo } from './capacity-config.js';
export { CAPACITY_RESULT_SCHEMA } from './capacity-types.js';
export type {
  CapacityLoadPoint,
  CapacityResult,
  CapacityRow,
  CapacityStep,
  StepMetrics,
} from './capacity-types.js';
export { judgeStep, stepMetrics } from './judge-step.js';
export { measureCapacity } from './measure-capacity.js';
export type { MeasureCapacityOptions, RunLoad } from './measure-capacity.js';
export { renderCapacityMarkdown } from './render-markdown.js';
export { createLoadRunner, runCapacity } from './run-capacity.js';
export type { RunCapacityOptions } from './run-capacity.js';
export { LOAD_FRACTIONS, loadPoints, searchMaxStreams } from './search.js';
export type {
  LoadPoint,
  SearchOptions,
  SearchOutcome,
  SearchResult,
  SearchStep,
  StepResult,
} from './search.js';
export { defaultCapacityDir, writeCapacityOutputs } from './write-outputs.js';
export type { CapacityOutputs } from './write-outputs.js';
