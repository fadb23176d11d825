// Public surface of `voxfleet loadtest` (re-exported by the eval role's index.ts).
export { churnRate, churnWords, measureChurn, measureViewChurn } from './churn.js';
export type { ChurnCounts } from './churn.js';
export {
  LOADTEST_DEFAULTS,
  LOADTEST_MODES,
  LOADTEST_PROTOCOLS,
  compileLoadtestConfig,
} from './loadtest-config.js';
export type {
  LoadtestConfig,
  LoadtestMode,
  LoadtestOptions,
  LoadtestProtocol,
} from './loadtest-config.js';
export { LOADTEST_RESULT_SCHEMA } from './loadtest-types.js';
export type { LoadtestResult, LoadtestSummary, TurnRecord } from './loadtest-types.js';
export { formatLoadtestSummary } from './format-summary.js';
export { renderLoadtestHtml } from './render-html.js';
export { runLoadtest } from './run-loadtest.js';
export type { LoadtestProgress, RunLoadtestOptions } from './run-loadtest.js';
export { runSchedule, slotStartMs, systemLoadClock } from './schedule.js';
export { findSpeechSpan } from './speech-span.js';
export type { SpeechSpan } from './speech-span.js';
export { streamProtocolFor } from './protocols/index.js';
export type {
  OpenStreamOptions,
  StreamProtocol,
  StreamSession,
  StreamUpdate,
} from './protocols/index.js';
export type { LoadClock, ScheduleOptions, ScheduleOutcome, TurnOutcome } from './schedule.js';
export { summarizeTurns, throughputPerSecond } from './summarize.js';
export { defaultLoadtestDir, writeLoadtestOutputs } from './write-outputs.js';
export type { LoadtestOutputs } from './write-outputs.js';
