/**
 * The embedded fabric: workers live in the gateway's process and calls are plain function
 * calls. Worker choice is the same policy the NATS fabric will use: a ready worker that has the
 * model, least loaded first.
 */
import { VoxfleetError, type ModelDescriptor } from '../core/index.js';
import type { FabricClient, WorkerEndpoint, WorkerStatus } from './contract.js';

export class InProcessFabric implements FabricClient {
  private readonly endpoints = new Set<WorkerEndpoint>();

  register(worker: WorkerEndpoint): () => void {
    this.endpoints.add(worker);
    return () => this.endpoints.delete(worker);
  }

  workers(): WorkerStatus[] {
    return [...this.endpoints].map((w) => w.status());
  }

  models(): ModelDescriptor[] {
    return readyModels(this.workers());
  }

  // async, so a refusal is always a rejected promise, never a synchronous throw.
  async transcribe(
    ...args: Parameters<WorkerEndpoint['transcribe']>
  ): ReturnType<WorkerEndpoint['transcribe']> {
    return this.pick(false).transcribe(...args);
  }

  async openStream(
    ...args: Parameters<WorkerEndpoint['openStream']>
  ): ReturnType<WorkerEndpoint['openStream']> {
    return this.pick(true).openStream(...args);
  }

  async synthesize(
    ...args: Parameters<WorkerEndpoint['synthesize']>
  ): ReturnType<WorkerEndpoint['synthesize']> {
    return this.pick(false).synthesize(...args);
  }

  async close(): Promise<void> {
    this.endpoints.clear();
    return Promise.resolve();
  }

  private pick(forStream: boolean): WorkerEndpoint {
    const candidates = [...this.endpoints].map((e) => ({ endpoint: e, status: e.status() }));
    const best = pickWorkerOrder(candidates, forStream)[0];
    if (best !== undefined) return best.endpoint;
    throw new VoxfleetError('NOT_READY', 'no worker is ready', { retryAfterMs: 1000 });
  }
}

/** Models served by at least one ready worker, de-duplicated by name and version. */
export function readyModels(workers: readonly WorkerStatus[]): ModelDescriptor[] {
  const seen = new Map<string, ModelDescriptor>();
  for (const w of workers) {
    if (w.state !== 'ready') continue;
    for (const m of w.models) seen.set(`${m.name}@${m.version}`, m);
  }
  return [...seen.values()];
}

/**
 * Ready workers, least loaded first; for streams, those with room before full ones. A full
 * worker stays in the list: the worker's admission control is the authority on refusing (it
 * says why, and counts it), the fabric only prefers workers with room. Pure, so it is unit-tested.
 */
export function pickWorkerOrder<T extends { status: WorkerStatus }>(
  candidates: readonly T[],
  forStream: boolean,
): T[] {
  const load = (s: WorkerStatus): number =>
    s.activeStreams / Math.max(1, s.streamCapacity) + (s.decodesRunning + s.decodesQueued) / 100;
  const full = (s: WorkerStatus): number =>
    forStream && s.activeStreams >= s.streamCapacity ? 1 : 0;
  return candidates
    .filter((c) => c.status.state === 'ready')
    .sort((a, b) => full(a.status) - full(b.status) || load(a.status) - load(b.status));
}
