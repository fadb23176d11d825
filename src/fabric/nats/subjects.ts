/**
 * Every subject the NATS fabric uses, in one place. Each starts with the worker's residency
 * zone and region (`vf.<zone>.<region>.…`), so residency can later be enforced by subject
 * permissions alone (a gateway allowed `vf.eu.>` can never reach a worker outside `eu`).
 *
 *   vf.<zone>.<region>.worker.<id>.transcribe | synthesize | stream   opening a call (gateway -> worker)
 *   vf.<zone>.<region>.worker.<id>.call.<callId>.in                     audio and controls (gateway -> worker)
 *   vf.<zone>.<region>.worker.<id>.call.<callId>.out                    replies, events, chunks (worker -> gateway)
 *
 * Workers announce themselves in their region's JetStream KV bucket (discoveryBucket) under the
 * key `<zone>.<region>.<id>` (stored on the subject `$KV.<bucket>.<zone>.<region>.<id>`).
 *
 * No call goes through a queue group: a gateway addresses one worker by its full subject, so
 * NATS's own queue-group failover (which may pick a listener in any cluster) never carries a
 * call, and a connection allowed only `vf.<zone>.>` cannot reach another zone at all.
 */
import { invalidArgument } from '../../core/index.js';

export const SUBJECT_ROOT = 'vf';
/** One discovery bucket per region: `voxfleet-workers-<region>` (see discovery.ts). */
export function discoveryBucket(region: string): string {
  return `voxfleet-workers-${region}`;
}

export type CallKind = 'transcribe' | 'synthesize' | 'stream';
export const CALL_KINDS: readonly CallKind[] = ['transcribe', 'synthesize', 'stream'];

export interface WorkerAddress {
  readonly zone: string;
  readonly region: string;
  readonly workerId: string;
}

/** One subject token: no dots, spaces or wildcards (they would change the subject's meaning). */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

export function assertSubjectToken(field: string, value: string): string {
  if (!TOKEN.test(value))
    throw invalidArgument(field, 'must be 1-64 letters, digits, _ or -', value);
  return value;
}

export function workerBase(a: WorkerAddress): string {
  return `${SUBJECT_ROOT}.${a.zone}.${a.region}.worker.${a.workerId}`;
}

export function openSubject(a: WorkerAddress, kind: CallKind): string {
  return `${workerBase(a)}.${kind}`;
}

export function callInSubject(a: WorkerAddress, callId: string): string {
  return `${workerBase(a)}.call.${callId}.in`;
}

/** The worker listens to every call's input on one wildcard subscription. */
export function allCallsInSubject(a: WorkerAddress): string {
  return `${workerBase(a)}.call.*.in`;
}

export function callOutSubject(a: WorkerAddress, callId: string): string {
  return `${workerBase(a)}.call.${callId}.out`;
}

/** The call id is the second-to-last token of a call subject. */
export function callIdOf(subject: string): string | undefined {
  const tokens = subject.split('.');
  return tokens[tokens.length - 2];
}

export function discoveryKey(a: WorkerAddress): string {
  return `${a.zone}.${a.region}.${a.workerId}`;
}

/** Watch filter inside a region's bucket: the workers of one zone, or all of them. */
export function discoveryFilter(zone: string | undefined): string {
  return zone === undefined ? '>' : `${zone}.>`;
}
