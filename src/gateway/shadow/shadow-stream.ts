/**
 * A stream whose audio also goes to a candidate version that nobody hears: the shadow. The
 * client sees the primary's events only. The shadow is opened beside the primary (never
 * before it: the primary's open is not delayed), gets every frame and control, and when both
 * have ended the two transcripts are compared in memory (shadow-comparison.ts) and only the
 * figures are kept.
 *
 * Shadow load is capped and shed first: beyond `maxStreams` no shadow is opened; a candidate
 * that refuses or fails is dropped, never retried; and a primary refused OVER_CAPACITY gets a
 * shadow stopped to make room, then one more try.
 */
import {
  BYTES_PER_SAMPLE,
  VoxfleetError,
  type Clock,
  type StreamEvent,
  type StreamOpenRequest,
  type TimerHandle,
} from '../../core/index.js';
import type { FabricClient, StreamChannel } from '../../fabric/index.js';
import { SideRecorder, compareSides } from './shadow-comparison.js';
import type { ShadowEvidence } from './shadow-evidence.js';

export const SHADOW_DEFAULTS = Object.freeze({
  /** Per gateway. A shadow costs a worker what a stream costs; a few give evidence enough. */
  maxStreams: 8,
  /** A shadow still decoding this long after the primary ended is dropped, not waited for. */
  lagLimitMs: 30_000,
});

/** The gateway's open shadows: the cap, and the oldest to stop when a primary needs room. */
export class ShadowBudget {
  private readonly open: StreamChannel[] = [];
  /** Places taken by shadows still opening: counted, so concurrent opens cannot overshoot. */
  private opening = 0;

  constructor(readonly maxStreams: number = SHADOW_DEFAULTS.maxStreams) {}

  get active(): number {
    return this.open.length + this.opening;
  }

  /** Reserves a place; the caller then attaches the channel (track) or gives it back. */
  tryTake(): boolean {
    if (this.active >= this.maxStreams) return false;
    this.opening += 1;
    return true;
  }

  giveBack(): void {
    this.opening = Math.max(0, this.opening - 1);
  }

  /** The reserved place now holds this channel until it is done. */
  track(channel: StreamChannel): void {
    this.giveBack();
    this.open.push(channel);
    void channel.done.then(() => this.forget(channel));
  }

  /** Stops the oldest shadow; false when there is none. */
  shedOne(): boolean {
    const oldest = this.open.shift();
    oldest?.abort();
    return oldest !== undefined;
  }

  private forget(channel: StreamChannel): void {
    const i = this.open.indexOf(channel);
    if (i >= 0) this.open.splice(i, 1);
  }
}

export interface ShadowTarget {
  readonly model: string;
  readonly rolloutId: string;
  readonly step: string;
}

export interface ShadowDeps {
  readonly budget: ShadowBudget;
  readonly evidence: ShadowEvidence;
  readonly clock: Clock;
  readonly lagLimitMs?: number;
}

export async function openWithShadow(
  inner: FabricClient,
  request: StreamOpenRequest,
  target: ShadowTarget,
  onEvent: (event: StreamEvent) => void,
  deps: ShadowDeps,
): Promise<StreamChannel> {
  const primarySide = new SideRecorder();
  const candidateSide = new SideRecorder();
  const primary = await openPrimary(inner, request, deps.budget, (e) => {
    primarySide.record(e);
    onEvent(e);
  });

  let shadow: StreamChannel | undefined;
  let shadowFailed = false;
  // Frames that arrive while the shadow is opening; sent on once it is open.
  let pending:
    Array<{ audio?: Uint8Array; control?: Parameters<StreamChannel['control']>[0] }> | undefined =
    [];
  let audioBytes = 0;
  let shadowDone: Promise<void> = Promise.resolve();
  if (deps.budget.tryTake()) {
    shadowDone = inner
      .openStream(
        {
          ...request,
          sessionId: `${request.sessionId}-shadow`,
          model: target.model,
          background: true,
        },
        (e) => {
          if (e.type === 'error') shadowFailed = true;
          candidateSide.record(e);
        },
      )
      .then(
        (channel) => {
          shadow = channel;
          deps.budget.track(channel);
          for (const item of pending ?? []) {
            if (item.audio !== undefined) channel.pushAudio(item.audio);
            if (item.control !== undefined) channel.control(item.control);
          }
          pending = undefined;
          return channel.done;
        },
        () => {
          deps.budget.giveBack();
          shadowFailed = true;
          pending = undefined;
          deps.evidence.shed += 1;
        },
      );
  } else {
    pending = undefined;
    shadowFailed = true;
    deps.evidence.shed += 1;
  }

  let primaryEnded = false;
  const done = primary.done.then(async () => {
    primaryEnded = true;
    // Compare once the shadow has finished too, without holding the primary's end.
    let timer: TimerHandle | undefined;
    const lagged = new Promise<boolean>((resolve) => {
      timer = deps.clock.setTimeout(
        () => resolve(true),
        deps.lagLimitMs ?? SHADOW_DEFAULTS.lagLimitMs,
      );
    });
    void Promise.race([shadowDone.then(() => false), lagged]).then((tooSlow) => {
      timer?.cancel();
      if (tooSlow) {
        shadow?.abort();
        deps.evidence.shed += 1;
        return;
      }
      if (shadowFailed || shadow === undefined) return;
      const audioS = audioBytes / (BYTES_PER_SAMPLE[request.encoding] * request.sampleRateHz);
      deps.evidence.add(
        target.rolloutId,
        target.step,
        audioS,
        compareSides(primarySide, candidateSide),
      );
    });
  });

  return {
    pushAudio(frame) {
      primary.pushAudio(frame);
      audioBytes += frame.length;
      if (shadow !== undefined) shadow.pushAudio(frame);
      else pending?.push({ audio: frame });
    },
    control(message) {
      primary.control(message);
      if (shadow !== undefined) shadow.control(message);
      else pending?.push({ control: message });
    },
    abort() {
      primary.abort();
      // A client gone after its session ended (closing the socket once `closed` came) leaves
      // the shadow to finish its decodes: the comparison waits for it, up to the lag limit.
      if (!primaryEnded) shadow?.abort();
    },
    done,
  };
}

/** The primary's open; one shadow is stopped to make room if the fleet is full. */
async function openPrimary(
  inner: FabricClient,
  request: StreamOpenRequest,
  budget: ShadowBudget,
  onEvent: (event: StreamEvent) => void,
): Promise<StreamChannel> {
  try {
    return await inner.openStream(request, onEvent);
  } catch (err) {
    if (!(err instanceof VoxfleetError) || err.code !== 'OVER_CAPACITY' || !budget.shedOne())
      throw err;
    return inner.openStream(request, onEvent);
  }
}
