export { InProcessFabric, pickWorkerOrder } from './in-process.js';
export type {
  FabricClient,
  StreamChannel,
  SynthesisStream,
  TranscribeCallOptions,
  WorkerEndpoint,
  WorkerState,
  WorkerStatus,
} from './contract.js';
