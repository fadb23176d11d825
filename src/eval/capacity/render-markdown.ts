/**
 * capacity.md: the machine, the model, the SLO, then a table in the manner of vendor capacity
 * tables (one row per frame size: the maximum, then p50 / p95 latency at each load point) and
 * a detail table (one row per load point, with p99). Pure; also printed on the terminal.
 */
import { describeCpu } from '../runner/machine.js';
import type { Percentiles } from '../report/result-types.js';
import type { CapacityResult, CapacityRow, StepMetrics } from './capacity-types.js';
import { LOAD_FRACTIONS } from './search.js';

const ms = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(0));
const pair = (p: Percentiles | null): string => (p === null ? '–' : `${ms(p.p50)} / ${ms(p.p95)}`);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function maxCell(row: CapacityRow): string {
  if (row.outcome === 'capped') return `≥ ${row.maxStreams}`;
  return String(row.maxStreams);
}

export function renderCapacityMarkdown(result: CapacityResult): string {
  const { machine: m, slo } = result;
  const percents = LOAD_FRACTIONS.map((f) => Math.round(f * 100));
  const head = ['frame (ms)', 'max streams'].concat(
    percents.flatMap((p) => [`${p} %: first partial p50 / p95`, `${p} %: final p50 / p95`]),
  );
  const mainRows = result.rows.map((row) =>
    [String(row.frameMs), maxCell(row)].concat(
      percents.flatMap((p) => {
        const point = row.loadPoints.find((lp) => lp.percent === p);
        return point === undefined
          ? ['–', '–']
          : [pair(point.metrics.firstPartialMs), pair(point.metrics.finalMs)];
      }),
    ),
  );
  const detailRows = result.rows.flatMap((row) =>
    row.loadPoints.map((lp) => [
      String(row.frameMs),
      `${lp.percent} %`,
      String(lp.streams),
      ...latencyCells(lp.metrics),
      `${lp.metrics.completed}/${lp.metrics.turns}`,
    ]),
  );
  const capped = result.rows.some((r) => r.outcome === 'capped');
  const none = result.rows.filter((r) => r.outcome === 'none').map((r) => `${r.frameMs} ms`);
  const notes = [
    capped
      ? `- "≥ N": every step up to --max-streams ${result.maxStreamsBound} met the SLO; the real maximum may be higher.`
      : '',
    none.length > 0 ? `- ${none.join(', ')}: even one stream missed the SLO (max 0).` : '',
  ].filter(Boolean);
  return [
    `# Capacity: ${result.model.id}${result.model.version ? ` ${result.model.version}` : ''}`,
    '',
    `- Machine: ${describeCpu(m)}, ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.platform} ${m.arch}, Node ${m.node}`,
    `- Target: ${result.target}; manifest: ${result.manifest}`,
    `- SLO per step: final-after-speech p95 ≤ ${slo.finalP95Ms} ms, first-partial p95 ≤ ${slo.firstPartialP95Ms} ms, error rate ≤ ${(slo.maxErrorRate * 100).toFixed(1)} %, no refused session`,
    `- Each step: ${result.stepDurationS} s of concurrent real-time streams; search 1, 2, 4, ... up to ${result.maxStreamsBound}, then bisection`,
    `- Measured ${result.createdAt}; latencies in ms (nearest-rank percentiles)`,
    '',
    table(head, mainRows),
    '',
    ...(notes.length > 0 ? [...notes, ''] : []),
    '## Load points',
    '',
    table(
      ['frame (ms)', 'load', 'streams']
        .concat(['first partial p50', 'p95', 'p99', 'final p50', 'p95', 'p99'])
        .concat(['turns ok']),
      detailRows,
    ),
    '',
  ].join('\n');
}

function latencyCells(m: StepMetrics): string[] {
  const cells = (p: Percentiles | null): string[] => [ms(p?.p50), ms(p?.p95), ms(p?.p99)];
  return [...cells(m.firstPartialMs), ...cells(m.finalMs)];
}
