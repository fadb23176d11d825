/** The terminal summary of a loadtest: one row per latency figure with p50/p95/p99/max. */
import type { Percentiles } from '../report/result-types.js';
import type { LoadtestResult } from './loadtest-types.js';

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(0) : '-');

function row(label: string, p: Percentiles | null, fmt: (v: number) => string = ms): string {
  if (p === null) return '';
  const cells = [p.n, fmt(p.p50), fmt(p.p95), fmt(p.p99), fmt(p.max)].map((c) =>
    String(c).padStart(8),
  );
  return `${label.padEnd(26)}${cells.join('')}\n`;
}

function codes(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? 'none' : entries.map(([c, n]) => `${c} ${n}`).join(', ');
}

export function formatLoadtestSummary(result: LoadtestResult): string {
  const { config: c, summary: s } = result;
  const server = c.protocol === 'voxfleet' ? c.target : `${c.protocol} at ${c.target}`;
  const head =
    `voxfleet loadtest: ${c.mode} x${c.streams} against ${server} ` +
    `(ramp ${c.rampS} s, duration ${c.durationS} s${c.mode === 'stream' ? `, ${c.frameMs} ms frames` : ''})\n` +
    `turns ${s.turns}, completed ${s.completed}, failed ${s.failed}, refused ${s.refused}; ` +
    `elapsed ${s.elapsedS.toFixed(1)} s${result.cutOff ? ' (cut off at the drain limit)' : ''}\n\n`;
  const table =
    `${''.padEnd(26)}${['n', 'p50', 'p95', 'p99', 'max'].map((h) => h.padStart(8)).join('')}\n` +
    row('first partial (ms)', s.firstPartialMs) +
    row('final after speech (ms)', s.finalMs) +
    row('first audio byte (ms)', s.firstByteMs) +
    row(c.mode === 'stream' ? 'session (ms)' : 'total (ms)', s.totalMs) +
    row('RTF', s.rtf, (v) => v.toFixed(3));
  const tail =
    `\n` +
    (s.churn !== null
      ? `partial churn: ${(s.churn * 100).toFixed(1)} % of shown words rewritten\n`
      : '') +
    (s.wer !== null
      ? `WER of finals: ${(s.wer * 100).toFixed(1)} % over ${s.refWords} words\n`
      : '') +
    `throughput: ${s.meanThroughputPerS.toFixed(2)} turns/s, ${s.audioSPerS.toFixed(2)} audio s/s\n` +
    `refused at open: ${codes(s.refusedByCode)}\nerrors: ${codes(s.errorsByCode)}\n`;
  return head + table + tail;
}
