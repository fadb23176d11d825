// Release: rollout plans as data, gates, the rollout state machine and version assignment.
export { CALLER_PRIORITIES, GATE_METRICS, TENANT_RISKS, loadPlan, parsePlan } from './plan.js';
export type {
  CallerPriority,
  Gate,
  GateMetric,
  PlanStep,
  ReleasePlan,
  StepSelector,
  TenantRisk,
} from './plan.js';
export { evaluateGate, judgeStep } from './gates.js';
export type { GateResult, MetricFigures, StepEvidence, StepVerdict } from './gates.js';
export {
  drillRunning,
  endDrill,
  evaluate,
  heldBackOf,
  initialState,
  operate,
  OPERATOR_ACTIONS,
  pause,
  promote,
  resume,
  rollback,
  start,
  startDrill,
} from './rollout.js';
export type {
  AuditEntry,
  OperatorAction,
  RollbackDrill,
  RolloutState,
  RolloutStatus,
} from './rollout.js';
export { ROLLBACK_DRILL, assignVersion, bucketOf } from './assign.js';
export type { Assignment, AssignmentContext } from './assign.js';
export {
  MemoryVersionedStore,
  RELEASES_BUCKET,
  ROLLOUT_INDEX_KEY,
  RolloutStore,
  rolloutKey,
} from './rollout-store.js';
export type { StoredRollout, VersionedSnapshot, VersionedStore } from './rollout-store.js';
export { openFileVersionedStore } from './file-versioned-store.js';
export { CONTROLLER_DEFAULTS, RolloutController, leaseKey } from './controller.js';
export type {
  ControllerOptions,
  DrillObservations,
  EvidenceSource,
  TickOutcome,
} from './controller.js';
export { offlineEvidence, parseOfflineEvidence, withOffline } from './offline-evidence.js';
export type { OfflineEvidence } from './offline-evidence.js';
export { findLeaks, sentinelNeedles } from './privacy-sentinels.js';
export type { LeakFinding, Needle, NeedleKind, SentinelTraffic } from './privacy-sentinels.js';
export { operateRollout, startRollout } from './start-rollout.js';
export { VOICE_CHECK_SENTENCES } from './voice-sentences.js';
export { versionsForRegion } from './region-versions.js';
