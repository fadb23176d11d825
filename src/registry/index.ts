// Public surface of the registry: model manifests, the catalog, the filesystem model store.
// Other roles import from here only.
export { openModelStore } from './model-store.js';
export type { ModelStore, ModelStoreOptions } from './model-store.js';
export type { BrokenInstall, InstalledModel, InstallRecord } from './installed-model.js';
export type { PullOutcome, PullResult } from './pull.js';
export { publishModel } from './publish.js';
export type {
  PublishOptions,
  PublishOutcome,
  PublishResult,
  RolloutPlanVersions,
} from './publish.js';
export { REGISTRY_INDEX_FILE } from './registry-layout.js';
export { attachEvalReports, EVAL_REPORT_FILES } from './eval-attach.js';
export type { EvalPart, EvalReportPaths } from './eval-attach.js';
export { summarizeCapacityReport, summarizeEvalReport } from './eval-summary.js';
export {
  DEFAULT_REGISTRY_URL,
  ENV_MODEL_MIRROR,
  ENV_REGISTRY_URL,
  PULL_DEFAULTS,
  fileUrl,
  isRetryableDownloadError,
  retryDelayFor,
} from './pull-options.js';
export type { ProgressListener, PullOptions, PullPhase, PullProgress } from './pull-options.js';
export type { FileCheck, FileCheckStatus, VerifyOptions, VerifyReport } from './verify.js';

export {
  BUILTIN_CATALOG_PATH,
  createCatalog,
  loadBuiltinCatalog,
  splitModelRef,
} from './catalog.js';
export type { Catalog } from './catalog.js';
export {
  MANIFEST_SCHEMA_VERSION,
  MANIFEST_SCHEMA_VERSIONS,
  MODEL_KINDS,
  manifestSchema,
  parseManifest,
} from './manifest.js';
export { POSTPROCESS_STEPS } from './manifest-contract.js';
export type {
  CapacitySummary,
  Controls,
  Decode,
  EvalSummaries,
  Identity,
  Preprocessing,
  QualitySummary,
} from './manifest-contract.js';
export type {
  Manifest,
  ManifestFile,
  ManifestInput,
  ManifestKind,
  ManifestOutputs,
} from './manifest.js';
export { MANIFEST_JSON_SCHEMA } from './manifest-json-schema.js';
export { listEngineFileRefs, resolveEngineConfig } from './engine-config.js';
export type {
  DeepReadonly,
  EngineFileRef,
  EngineKind,
  EngineSpec,
  SileroVadEngineConfig,
  VitsEngineConfig,
  VitsGenerationConfig,
  WhisperEngineConfig,
} from './engine-config.js';
export { describeModel } from './describe.js';
export { compareSemver, isSemver } from './semver.js';
