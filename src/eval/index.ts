// Public surface of eval (scoring). Other roles and bench/ import from here only.
export { alignTokens } from '../core/index.js';
export type { AlignOp, AlignedPair, Alignment, EditCounts } from '../core/index.js';
export {
  aggregate,
  aggregateChars,
  charErrorRate,
  splitChars,
  splitWords,
  wordErrorRate,
} from './error-rate.js';
export type {
  CharErrorResult,
  CorpusCharErrorRate,
  CorpusWordErrorRate,
  WordErrorResult,
} from './error-rate.js';
export { parseManifest, readManifest } from './manifest.js';
export type { ManifestItem, ParseManifestOptions, ReadManifestOptions } from './manifest.js';
export { isNonSpeechTag, stripNonSpeechTags } from '../core/index.js';
export {
  isCharacterScoredLanguage,
  normalizeMultilingual,
  normalizeText,
} from './normalize-text.js';
export type { NormalizeOptions, NumberMode } from './normalize-text.js';
export {
  spellCardinal,
  spellDigits,
  spellInteger,
  spellYear,
  toOrdinalWords,
} from './number-words.js';
export { spellNumbers } from './spell-numbers.js';
export { ALL_SLICE, scoreBySlice, scoreCharsBySlice } from './slices.js';
export type {
  CharSliceReport,
  ScoredItem,
  SliceItem,
  SliceOptions,
  SliceReport,
  SliceScore,
  WordSliceReport,
} from './slices.js';
// `voxfleet eval`: run a manifest through a server, score, compare, report.
export {
  EVAL_DEFAULTS,
  EVAL_PATHS,
  compileEvalConfig,
  localServeModels,
} from './runner/eval-config.js';
export type { EvalConfig, EvalOptions, EvalPath } from './runner/eval-config.js';
export { evaluate, exitCodeFor } from './runner/evaluate.js';
export type { Evaluation, EvaluateOptions } from './runner/evaluate.js';
export { runManifest, selectItems } from './runner/run-manifest.js';
export type { ManifestRun, RunManifestOptions, SelectItemsOptions } from './runner/run-manifest.js';
export { describeTarget } from './runner/eval-target.js';
export type { EvalTarget, InProcessTranscriber } from './runner/eval-target.js';
export { runWithDeadline, timeoutMsFor } from './runner/request-deadline.js';
export { transcribeItem } from './runner/transcribe-item.js';
export type { TranscribeItemOptions, UtteranceRun } from './runner/transcribe-item.js';
export { fetchServedModels, findServedModel } from './runner/server-info.js';
export type { ServedModel } from './runner/server-info.js';
export { describeCpu, describeMachine, speedFeaturesOf } from './runner/machine.js';
export type { MachineInfo } from './runner/machine.js';
export { bootstrapWerDelta } from './compare/bootstrap.js';
export type { BootstrapOptions, DeltaInterval, PairedCounts } from './compare/bootstrap.js';
export { compareResults, summarizeGate } from './compare/compare-results.js';
export type { CompareOptions } from './compare/compare-results.js';
export { resolveCompareSource } from './compare/compare-source.js';
export type { CompareSource } from './compare/compare-source.js';
export { createPrng, seedFor } from './compare/prng.js';
export { buildEvalResult, NUMBER_MODES } from './report/build-result.js';
export type { BuildResultInput } from './report/build-result.js';
export { formatEvalTable } from './report/format-table.js';
export { escapeHtml, renderAlignment } from './report/html-parts.js';
export { nearestRank, summarizePercentiles } from './report/percentiles.js';
export { renderEvalHtml, pickWorst } from './report/render-html.js';
export { parseEvalResult, parseEvalResultJson } from './report/result-schema.js';
export { EVAL_RESULT_SCHEMA, EVAL_RESULT_VERSION } from './report/result-types.js';
export type {
  Comparison,
  EvalResult,
  GateSummary,
  Percentiles,
  RunSummary,
  SliceDelta,
  SliceScores,
  UtteranceRecord,
  UtteranceScore,
} from './report/result-types.js';
export { normalizerFor, scoreUtterances, scoringLanguage } from './report/score-utterances.js';
export { defaultOutDir, writeEvalOutputs } from './report/write-outputs.js';
export type { EvalOutputs } from './report/write-outputs.js';
// `voxfleet loadtest`: concurrent streams, TTS or REST clients against a server.
export {
  compileLoadtestConfig,
  defaultLoadtestDir,
  formatLoadtestSummary,
  runLoadtest,
  writeLoadtestOutputs,
} from './loadtest/index.js';
export type {
  LoadtestConfig,
  LoadtestOptions,
  LoadtestProgress,
  LoadtestResult,
} from './loadtest/index.js';
// `voxfleet capacity`: the maximum real-time streams meeting an SLO, per frame size.
export {
  compileCapacityConfig,
  defaultCapacityDir,
  renderCapacityMarkdown,
  runCapacity,
  writeCapacityOutputs,
} from './capacity/index.js';
export type {
  CapacityConfig,
  CapacityOptions,
  CapacityResult,
  CapacityStep,
} from './capacity/index.js';
