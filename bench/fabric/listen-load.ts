/**
 * Many /v1/listen streams from this process at real-time pace: each sends a 100 ms frame of
 * 16 kHz PCM every 100 ms (from a random phase, so the frames of N streams spread evenly over
 * time) and times each frame from its send to the partial that answers it. The fake worker
 * behind the gateway answers frame k with a partial whose text is the stream's byte count so
 * far, so each partial names the frame it answers.
 *
 * Latencies are recorded in windows: frames sent while a window is open count in it; a frame
 * still unanswered `graceMs` after the window closed counts as unanswered.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { nearestRank } from '../../src/eval/index.js';

export interface ListenLoadOptions {
  /** The gateway's base URL (http://host:port). */
  readonly url: string;
  readonly frameMs: number;
  readonly sampleRateHz: number;
}

export interface WindowStats {
  readonly frames_sent: number;
  readonly frames_unanswered: number;
  /** Frame sent to its partial received (ms); null when over 1 % went unanswered. */
  readonly latency_ms: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number | null;
    readonly max: number | null;
  };
  /** How late frames went out against their real-time schedule (ms): the client's own lag. */
  readonly send_lag_ms: { readonly p50: number; readonly p99: number };
  /** This process's event-loop delay over the window (ms). */
  readonly client_loop_delay_p99_ms: number;
  /** Streams that ended with an error or closed unasked during the window. */
  readonly stream_failures: number;
}

interface Window {
  open: boolean;
  sent: number;
  readonly latencies: number[];
  readonly sendLags: number[];
  failures: number;
}

interface Pending {
  readonly sentMs: number;
  readonly window: Window;
}

export class ListenLoad {
  private readonly streams = new Set<PacedStream>();
  private window: Window | undefined;
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly frame: Buffer;
  /** Errors seen on any stream, by code (or close reason). */
  readonly errors = new Map<string, number>();

  constructor(private readonly options: ListenLoadOptions) {
    this.frame = Buffer.alloc((options.sampleRateHz * 2 * options.frameMs) / 1000);
    this.loopDelay.enable();
  }

  get openStreams(): number {
    return this.streams.size;
  }

  /** Opens `count` more streams spread over `spreadMs`; resolves once all are ready. */
  async addStreams(count: number, spreadMs: number): Promise<void> {
    const opened: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const delayMs = (spreadMs * i) / count;
      opened.push(new Promise<void>((r) => setTimeout(r, delayMs)).then(() => this.openOne()));
    }
    await Promise.all(opened);
  }

  startWindow(): void {
    this.loopDelay.reset();
    this.window = { open: true, sent: 0, latencies: [], sendLags: [], failures: 0 };
  }

  /** Closes the window, waits `graceMs` for late answers, and sums it up. */
  async endWindow(graceMs: number): Promise<WindowStats> {
    const w = this.window;
    if (w === undefined) throw new Error('no window open');
    w.open = false;
    const loopDelayP99Ms = this.loopDelay.percentile(99) / 1e6;
    this.window = undefined;
    await new Promise((r) => setTimeout(r, graceMs));
    for (const s of this.streams) s.forget(w);
    const unanswered = w.sent - w.latencies.length;
    const sorted = [...w.latencies].sort((a, b) => a - b);
    // Unanswered frames rank above every answered one.
    const withLost = sorted.concat(new Array<number>(unanswered).fill(Infinity));
    const finite = (x: number): number | null => (Number.isFinite(x) ? round2(x) : null);
    const lags = [...w.sendLags].sort((a, b) => a - b);
    return {
      frames_sent: w.sent,
      frames_unanswered: unanswered,
      latency_ms: {
        p50: round2(nearestRank(withLost, 0.5)),
        p90: round2(nearestRank(withLost, 0.9)),
        p99: finite(nearestRank(withLost, 0.99)),
        max: finite(withLost.at(-1) ?? NaN),
      },
      send_lag_ms: { p50: round2(nearestRank(lags, 0.5)), p99: round2(nearestRank(lags, 0.99)) },
      client_loop_delay_p99_ms: round2(loopDelayP99Ms),
      stream_failures: w.failures,
    };
  }

  /** Ends every stream (the sockets are cut: the gateway aborts their worker sessions). */
  async close(): Promise<void> {
    const closed = [...this.streams].map((s) => s.terminate());
    this.streams.clear();
    this.loopDelay.disable();
    await Promise.all(closed);
  }

  private async openOne(): Promise<void> {
    const { url, frameMs, sampleRateHz } = this.options;
    const wsUrl = `${url.replace(/^http/, 'ws')}/v1/listen?encoding=pcm_s16le&sample_rate=${sampleRateHz}`;
    const stream = new PacedStream(new WebSocket(wsUrl), this.frame, frameMs, {
      recordingWindow: () => (this.window?.open === true ? this.window : undefined),
      failed: (why) => {
        this.errors.set(why, (this.errors.get(why) ?? 0) + 1);
        this.streams.delete(stream);
        if (this.window !== undefined) this.window.failures++;
      },
    });
    this.streams.add(stream);
    await stream.ready;
  }
}

interface StreamHooks {
  recordingWindow(): Window | undefined;
  failed(why: string): void;
}

class PacedStream {
  readonly ready: Promise<void>;
  /** Frames sent so far. */
  private sentFrames = 0;
  private startMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  /** Sent frames awaiting their partial, by frame number (1-based). */
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly ws: WebSocket,
    private readonly frame: Buffer,
    private readonly frameMs: number,
    private readonly hooks: StreamHooks,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const event = JSON.parse(data.toString('utf8')) as {
          type: string;
          text?: string;
          code?: string;
        };
        if (event.type === 'ready') {
          this.begin();
          resolve();
        } else if (event.type === 'partial') this.answered(Number(event.text));
        else if (event.type === 'error') this.fail(event.code ?? 'error', reject);
      });
      ws.on('close', (code) => this.fail(`closed ${code}`, reject));
      ws.on('error', (err) => this.fail(err.message, reject));
    });
  }

  /** Drops what is still pending for a finished window. */
  forget(window: Window): void {
    for (const [k, p] of this.pending) if (p.window === window) this.pending.delete(k);
  }

  terminate(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    const closed = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.terminate();
    return closed;
  }

  /** From a random phase, then a frame every frameMs, each once its audio has been spoken. */
  private begin(): void {
    this.startMs = performance.now() + Math.random() * this.frameMs;
    this.schedule();
  }

  private schedule(): void {
    const dueMs = this.startMs + (this.sentFrames + 1) * this.frameMs;
    this.timer = setTimeout(() => this.send(dueMs), Math.max(0, dueMs - performance.now()));
  }

  private send(dueMs: number): void {
    if (this.ended) return;
    const now = performance.now();
    this.ws.send(this.frame, { binary: true });
    this.sentFrames++;
    const window = this.hooks.recordingWindow();
    if (window !== undefined) {
      window.sent++;
      window.sendLags.push(now - dueMs);
      this.pending.set(this.sentFrames, { sentMs: now, window });
    }
    this.schedule();
  }

  private answered(bytes: number): void {
    const k = bytes / this.frame.length;
    const p = this.pending.get(k);
    if (p === undefined) return;
    this.pending.delete(k);
    // Answers that come in the grace after the window count too.
    p.window.latencies.push(performance.now() - p.sentMs);
  }

  private fail(why: string, reject: (err: Error) => void): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.hooks.failed(why);
    reject(new Error(`stream failed: ${why}`));
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
