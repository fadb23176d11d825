/**
 * Model versions by rollout, at the gateway: a FabricClient decorator that rewrites a request's
 * `model` to the version the rollout assigns this caller (release/assign.ts). A stream is
 * assigned once, at open, and keeps that version for its life (a failover reopens it with the
 * same request), except that a plan with `openStreamsOnRollback: move_at_next_final` moves its
 * candidate's open streams to the baseline at their next final once it is rolled back; files
 * and speech are assigned per request, sticky per tenant so a user does not flip between
 * versions. A request that names an exact version (`name@x.y.z`) is never rewritten.
 */
import type { StreamEvent, StreamOpenRequest, SynthesisRequest } from '../core/index.js';
import type { FabricClient, StreamChannel, SynthesisStream } from '../fabric/index.js';
import type { ServingEvidence, Side } from './shadow/serving-evidence.js';
import { openWithShadow, type ShadowDeps, type ShadowTarget } from './shadow/shadow-stream.js';
import {
  assignVersion,
  type Assignment,
  type StoredRollout,
  type CallerPriority,
  type TenantRisk,
} from '../release/index.js';

/** The rollouts as the gateway last saw them (release-board.ts keeps it fresh). */
export interface RolloutView {
  rollouts(): readonly StoredRollout[];
}

export interface PinningCaller {
  readonly region: string;
  readonly tenant?: string;
  readonly tenantRisk?: TenantRisk;
  readonly priority?: CallerPriority;
}

export type AssignmentObserver = (
  kind: 'stream' | 'transcribe' | 'synthesize',
  assignment: Assignment,
  rollout: StoredRollout,
) => void;

/**
 * The rollout that decides a request's `model` (its own name, or `default` for requests naming
 * none): the most recently registered one that has started. A finished rollout keeps deciding
 * (completed: the candidate; rolled back: the baseline) until a newer one for the name starts.
 */
function planFor(view: RolloutView, model: string | undefined): StoredRollout | undefined {
  if (model !== undefined && model.includes('@')) return undefined;
  const asked = model ?? 'default';
  return view
    .rollouts()
    .filter((r) => r.plan.model === asked && r.state.status !== 'pending')
    .at(-1);
}

export function withReleasePinning(
  inner: FabricClient,
  view: RolloutView,
  caller: PinningCaller,
  observe: AssignmentObserver = () => undefined,
  /**
   * Shadows and what users of each version felt, for the gates; without it shadow steps only
   * keep users on the baseline and nothing is measured.
   */
  evidence?: ReleaseEvidenceDeps,
): FabricClient {
  const assignFull = (
    kind: 'stream' | 'transcribe' | 'synthesize',
    model: string | undefined,
    stickyKey: string,
    language: string | undefined,
  ): {
    model: string | undefined;
    shadow?: ShadowTarget;
    watch?: WatchTarget;
    rollout?: StoredRollout;
  } => {
    const rollout = planFor(view, model);
    if (rollout === undefined) return { model };
    const assignment = syncedOnly(
      assignVersion(rollout.plan, rollout.state, {
        region: caller.region,
        stickyKey,
        ...(caller.tenantRisk !== undefined ? { tenantRisk: caller.tenantRisk } : {}),
        ...(caller.priority !== undefined ? { priority: caller.priority } : {}),
        ...(language !== undefined ? { language } : {}),
      }),
      rollout.plan,
      (ref) => servedIn(inner, ref, caller.region),
    );
    observe(kind, assignment, rollout);
    const shadow =
      assignment.shadow !== undefined && assignment.step !== undefined
        ? { model: assignment.shadow, rolloutId: rollout.plan.id, step: assignment.step }
        : undefined;
    const watch: WatchTarget | undefined =
      assignment.step === undefined
        ? undefined
        : {
            rolloutId: rollout.plan.id,
            step: assignment.step,
            side: assignment.serve === rollout.plan.candidate ? 'candidate' : 'baseline',
          };
    return {
      model: assignment.serve,
      rollout,
      ...(shadow !== undefined ? { shadow } : {}),
      ...(watch !== undefined ? { watch } : {}),
    };
  };
  const assign = (
    kind: 'stream' | 'transcribe' | 'synthesize',
    model: string | undefined,
    stickyKey: string,
    language: string | undefined,
  ): string | undefined => assignFull(kind, model, stickyKey, language).model;
  const tenantKey = caller.tenant ?? 'anonymous';
  return {
    workers: () => inner.workers(),
    models: () => inner.models(),
    close: () => inner.close(),
    transcribe: (request, options) => {
      const model = assign('transcribe', request.model, tenantKey, request.language);
      return inner.transcribe(model === undefined ? request : { ...request, model }, options);
    },
    openStream: async (request, onEvent) => {
      const { model, shadow, watch, rollout } = assignFull(
        'stream',
        request.model,
        request.sessionId,
        request.language,
      );
      const pinned = model === undefined ? request : { ...request, model };
      const channel = await openMeasured(inner, pinned, onEvent, shadow, watch, evidence);
      const plan = rollout?.plan;
      return plan !== undefined &&
        model === plan.candidate &&
        plan.openStreamsOnRollback === 'move_at_next_final'
        ? movedOnRollback(channel, view, plan.id, { ...pinned, model: plan.baseline })
        : channel;
    },
    synthesize: (request, signal) => {
      const { model, watch } = assignFull('synthesize', request.model, tenantKey, undefined);
      const pinned = model === undefined ? request : { ...request, model };
      return watch === undefined || evidence === undefined
        ? inner.synthesize(pinned, signal)
        : synthesizeMeasured(inner, pinned, signal, watch, evidence);
    },
  };
}

/**
 * The candidate only where it has been synced: until a worker of the caller's region serves it
 * (its files installed and hash-checked there, release-sync.ts), the caller keeps the baseline
 * and no shadow is opened. The step still counts the caller as one of its baseline sessions.
 */
function syncedOnly(
  assignment: Assignment,
  plan: StoredRollout['plan'],
  served: (ref: string) => boolean,
): Assignment {
  const shadow = assignment.shadow;
  if (assignment.serve === plan.candidate && !served(plan.candidate))
    return {
      serve: plan.baseline,
      because: `${plan.candidate} not synced here yet`,
      ...(assignment.step !== undefined ? { step: assignment.step } : {}),
    };
  if (shadow !== undefined && !served(shadow))
    return {
      serve: assignment.serve,
      because: `${shadow} not synced here yet: no shadow`,
      ...(assignment.step !== undefined ? { step: assignment.step } : {}),
    };
  return assignment;
}

/** Whether a ready worker of `region` (or of no stated region, in-process) serves `ref`. */
function servedIn(fabric: FabricClient, ref: string, region: string): boolean {
  return fabric
    .workers()
    .some(
      (w) =>
        w.state === 'ready' &&
        (w.region === undefined || w.region === region) &&
        w.models.some((m) => `${m.name}@${m.version}` === ref),
    );
}

/**
 * A candidate's stream under a plan that moves open streams on rollback: from the first frame
 * after the gateway sees the rollback, it asks its channel to move to the baseline at the next
 * final (a channel that cannot move finishes on the candidate, as with `finish`).
 */
function movedOnRollback(
  channel: StreamChannel,
  view: RolloutView,
  rolloutId: string,
  baseline: StreamOpenRequest,
): StreamChannel {
  let asked = false;
  return {
    ...forwardMove(channel),
    pushAudio: (frame) => {
      if (!asked) {
        const state = view.rollouts().find((r) => r.plan.id === rolloutId)?.state;
        if (state?.status === 'rolled_back') {
          asked = true;
          channel.moveAtNextFinal?.(baseline);
        }
      }
      channel.pushAudio(frame);
    },
    control: (message) => channel.control(message),
    abort: () => channel.abort(),
    done: channel.done,
  };
}

/** The channel's moveAtNextFinal, for a wrapper of it to pass on. */
function forwardMove(channel: StreamChannel): Pick<StreamChannel, 'moveAtNextFinal'> {
  return channel.moveAtNextFinal === undefined
    ? {}
    : { moveAtNextFinal: (request) => channel.moveAtNextFinal?.(request) };
}

/** Speech for a step's caller: its time to first audio byte (or its failure) is evidence. */
async function synthesizeMeasured(
  inner: FabricClient,
  request: SynthesisRequest,
  signal: AbortSignal | undefined,
  target: WatchTarget,
  evidence: ReleaseEvidenceDeps,
): Promise<SynthesisStream> {
  const startedMs = evidence.clock.now();
  const record = (firstByteMs: number | undefined): void =>
    evidence.serving.speech(target.rolloutId, target.step, target.side, firstByteMs);
  let stream: SynthesisStream;
  try {
    stream = await inner.synthesize(request, signal);
  } catch (err) {
    record(undefined);
    throw err;
  }
  async function* measured(): AsyncGenerator<Uint8Array> {
    let first = true;
    try {
      for await (const chunk of stream.chunks) {
        if (first) record(evidence.clock.now() - startedMs);
        first = false;
        yield chunk;
      }
    } catch (err) {
      if (first) record(undefined);
      throw err;
    }
  }
  return { ...stream, chunks: measured() };
}

interface WatchTarget {
  readonly rolloutId: string;
  readonly step: string;
  readonly side: Side;
}

export interface ReleaseEvidenceDeps extends ShadowDeps {
  readonly serving: ServingEvidence;
}

/**
 * Opens the stream (with its shadow, when the step shadows it) and, when a running step is
 * deciding this caller, measures what the user of this version felt. Only streams are shadowed
 * and measured here: files and speech are judged by eval and serving figures.
 */
async function openMeasured(
  inner: FabricClient,
  request: StreamOpenRequest,
  onEvent: (event: StreamEvent) => void,
  shadow: ShadowTarget | undefined,
  target: WatchTarget | undefined,
  evidence: ReleaseEvidenceDeps | undefined,
): Promise<StreamChannel> {
  const watch =
    target === undefined || evidence === undefined
      ? undefined
      : evidence.serving.watch(target.rolloutId, target.step, target.side, request, () =>
          evidence.clock.now(),
        );
  const events =
    watch === undefined
      ? onEvent
      : (e: StreamEvent): void => {
          watch.event(e);
          onEvent(e);
        };
  const channel =
    shadow !== undefined && evidence !== undefined
      ? await openWithShadow(inner, request, shadow, events, evidence)
      : await inner.openStream(request, events);
  if (watch === undefined) return channel;
  void channel.done.then(() => watch.end());
  return {
    ...forwardMove(channel),
    pushAudio: (frame) => {
      watch.audio(frame.length);
      channel.pushAudio(frame);
    },
    control: (message) => channel.control(message),
    abort: () => channel.abort(),
    done: channel.done,
  };
}
