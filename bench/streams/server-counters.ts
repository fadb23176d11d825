/**
 * What the server says it did during one load point: slot time per decode class and admission
 * refusals per reason, as deltas of its Prometheus counters. The client sees latencies; these
 * say where the slots went (refresh partials thinning out, speculative finals) and why a
 * session was refused (measured headroom or decodes already waiting).
 */
export interface ServerCounters {
  /** Slot seconds per decode class (voxfleet_decode_busy_seconds_total). */
  readonly busyS: Readonly<Record<string, number>>;
  /** Refusals per reason (voxfleet_stream_admission_refusals_total). */
  readonly refusals: Readonly<Record<string, number>>;
  /**
   * Speculative finals per outcome (voxfleet_stream_speculative_finals_total): used, wasted
   * (decoded, then the speaker went on), withdrawn (before they took a slot). Most of the slot
   * time streams cannot do without is speculation, so its waste is worth seeing per point.
   */
  readonly speculations: Readonly<Record<string, number>>;
  /**
   * The server's event-loop delay over the point, ms (prom-client resets its histogram at each
   * scrape, 10 ms resolution): what every stream's audio and every open waited behind.
   */
  readonly eventLoopLagMs: { readonly p99: number; readonly max: number };
}

const LAG = /^voxfleet_process_nodejs_eventloop_lag_(p99|max)_seconds ([0-9.eE+-]+)$/;
const SERIES =
  /^(voxfleet_decode_busy_seconds_total|voxfleet_stream_admission_refusals_total|voxfleet_stream_speculative_finals_total)\{([^}]*)\} ([0-9.eE+-]+)$/;

export async function scrapeServerCounters(baseUrl: string): Promise<ServerCounters> {
  const res = await fetch(new URL('/metrics', baseUrl));
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  const busyS: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  const speculations: Record<string, number> = {};
  const by: Record<string, Record<string, number>> = {
    voxfleet_decode_busy_seconds_total: busyS,
    voxfleet_stream_admission_refusals_total: refusals,
    voxfleet_stream_speculative_finals_total: speculations,
  };
  const lag = { p99: 0, max: 0 };
  for (const line of (await res.text()).split('\n')) {
    const l = LAG.exec(line);
    if (l !== null) lag[l[1] as 'p99' | 'max'] = Math.round(Number(l[2]) * 1000);
    const m = SERIES.exec(line);
    if (m === null) continue;
    const [, name, labels, value] = m;
    const key = /(?:class|reason|outcome)="([^"]*)"/.exec(labels ?? '')?.[1];
    const into = by[name ?? ''];
    if (key === undefined || into === undefined) continue;
    into[key] = (into[key] ?? 0) + Number(value);
  }
  return { busyS, refusals, speculations, eventLoopLagMs: lag };
}

/** after - before, per key, rounded to ms; keys with no change are left out. */
export function counterDelta(before: ServerCounters, after: ServerCounters): ServerCounters {
  const diff = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) =>
    Object.fromEntries(
      Object.entries(b)
        .map(([k, v]) => [k, Math.round((v - (a[k] ?? 0)) * 1000) / 1000] as const)
        .filter(([, v]) => v !== 0),
    );
  return {
    busyS: diff(before.busyS, after.busyS),
    refusals: diff(before.refusals, after.refusals),
    speculations: diff(before.speculations, after.speculations),
    // A delay is not a counter: the scrape after the point covers the point alone.
    eventLoopLagMs: after.eventLoopLagMs,
  };
}
