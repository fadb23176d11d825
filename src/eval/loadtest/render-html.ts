/**
 * loadtest.html: one self-contained page (inline CSS and SVG, no scripts, no external assets):
 * the summary table, latency over time (one dot per turn at its end time) and completed turns
 * per second. Text from the config goes through escapeHtml.
 */
import { REPORT_CSS, escapeHtml } from '../report/html-parts.js';
import type { Percentiles } from '../report/result-types.js';
import type { LoadtestResult, TurnRecord } from './loadtest-types.js';

const W = 760;
const H = 240;
const PAD = { left: 52, right: 12, top: 12, bottom: 30 };

interface Series {
  readonly label: string;
  readonly colour: string;
  readonly points: readonly (readonly [number, number])[];
}

/** A scatter of (x, y) series on shared axes starting at 0, with a legend. */
export function renderScatterSvg(
  series: readonly Series[],
  xLabel: string,
  yLabel: string,
): string {
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const yMax = Math.max(1, ...all.map((p) => p[1]));
  const x = (v: number): string => (PAD.left + (v / xMax) * (W - PAD.left - PAD.right)).toFixed(1);
  const y = (v: number): string =>
    (H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom)).toFixed(1);
  const dots = series
    .map((s) =>
      s.points
        .map((p) => `<circle cx="${x(p[0])}" cy="${y(p[1])}" r="2.5" fill="${s.colour}"/>`)
        .join(''),
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<text x="${PAD.left + 8 + i * 180}" y="${PAD.top + 10}" fill="${s.colour}">● ${escapeHtml(s.label)}</text>`,
    )
    .join('');
  return svgFrame(xMax, yMax, xLabel, yLabel, dots + legend);
}

/** Bars of values per second, joined by a line. */
export function renderThroughputSvg(perSecond: readonly number[]): string {
  const xMax = Math.max(1, perSecond.length);
  const yMax = Math.max(1, ...perSecond);
  const bw = (W - PAD.left - PAD.right) / xMax;
  const y = (v: number): number => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const bars = perSecond
    .map(
      (v, i) =>
        `<rect x="${(PAD.left + i * bw).toFixed(1)}" y="${y(v).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${(H - PAD.bottom - y(v)).toFixed(1)}" fill="#2e86c1"/>`,
    )
    .join('');
  return svgFrame(xMax, yMax, 'seconds since start', 'completed per second', bars);
}

function svgFrame(
  xMax: number,
  yMax: number,
  xLabel: string,
  yLabel: string,
  body: string,
): string {
  const axis =
    `<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" stroke="#999"/>` +
    `<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" stroke="#999"/>` +
    `<text x="${PAD.left - 4}" y="${PAD.top + 4}" text-anchor="end">${fmt(yMax)}</text>` +
    `<text x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end">0</text>` +
    `<text x="${W - PAD.right}" y="${H - 14}" text-anchor="end">${fmt(xMax)}</text>` +
    `<text x="${(W / 2).toFixed(0)}" y="${H - 4}" text-anchor="middle">${escapeHtml(xLabel)}</text>` +
    `<text x="12" y="${(H / 2).toFixed(0)}" transform="rotate(-90 12 ${(H / 2).toFixed(0)})" text-anchor="middle">${escapeHtml(yLabel)}</text>`;
  return `<svg class="chart" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" font-size="11">${axis}${body}</svg>`;
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2));

function percentileRow(label: string, p: Percentiles | null): string {
  if (p === null) return '';
  const cells = [p.p50, p.p95, p.p99, p.max, p.mean].map((v) => `<td>${fmt(v)}</td>`).join('');
  return `<tr><td>${label}</td><td>${p.n}</td>${cells}</tr>`;
}

function latencySeries(turns: readonly TurnRecord[], mode: string): Series[] {
  const ok = turns.filter((t) => t.error === undefined);
  const pts = (f: (t: TurnRecord) => number | undefined): [number, number][] =>
    ok.flatMap((t) => {
      const v = f(t);
      return v === undefined ? [] : [[t.endMs / 1000, v] as [number, number]];
    });
  if (mode === 'stream')
    return [
      { label: 'final after speech (ms)', colour: '#c0392b', points: pts((t) => t.finalMs) },
      { label: 'first partial (ms)', colour: '#2e86c1', points: pts((t) => t.firstPartialMs) },
    ];
  if (mode === 'tts')
    return [
      { label: 'total (ms)', colour: '#c0392b', points: pts((t) => t.totalMs) },
      { label: 'first audio byte (ms)', colour: '#2e86c1', points: pts((t) => t.firstByteMs) },
    ];
  return [{ label: 'latency (ms)', colour: '#c0392b', points: pts((t) => t.totalMs) }];
}

export function renderLoadtestHtml(result: LoadtestResult): string {
  const { config: c, summary: s } = result;
  const codes = (m: Readonly<Record<string, number>>): string =>
    Object.entries(m)
      .map(([k, v]) => `${escapeHtml(k)} ${v}`)
      .join(', ') || 'none';
  const extra = [
    s.churn !== null
      ? `<li>partial churn: ${(s.churn * 100).toFixed(1)} % of shown words rewritten</li>`
      : '',
    s.wer !== null
      ? `<li>WER of finals: ${(s.wer * 100).toFixed(1)} % over ${s.refWords} words</li>`
      : '',
    `<li>throughput: ${s.meanThroughputPerS.toFixed(2)} turns/s, ${s.audioSPerS.toFixed(2)} audio s/s</li>`,
    `<li>refused at open: ${codes(s.refusedByCode)}; errors: ${codes(s.errorsByCode)}</li>`,
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>voxfleet loadtest</title>
<style>${REPORT_CSS}svg.chart{display:block;margin:.5em 0}</style></head><body>
<h1>voxfleet loadtest</h1>
<p class="meta">${escapeHtml(c.mode)} ×${c.streams} against ${c.protocol === 'voxfleet' ? '' : `${escapeHtml(c.protocol)} at `}${escapeHtml(c.target)} · ramp ${c.rampS} s · duration ${c.durationS} s · ${escapeHtml(result.createdAt)}</p>
<p>turns ${s.turns}, completed ${s.completed}, failed ${s.failed}, refused ${s.refused}; elapsed ${s.elapsedS.toFixed(1)} s${result.cutOff ? ' (cut off at the drain limit)' : ''}</p>
<h2>Summary</h2>
<table><thead><tr><th></th><th>n</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th></tr></thead><tbody>
${percentileRow('first partial (ms)', s.firstPartialMs)}${percentileRow('final after speech (ms)', s.finalMs)}${percentileRow('first audio byte (ms)', s.firstByteMs)}${percentileRow('total (ms)', s.totalMs)}${percentileRow('RTF', s.rtf)}
</tbody></table>
<ul>${extra}</ul>
<h2>Latency over time</h2>
${renderScatterSvg(latencySeries(result.turns, c.mode), 'seconds since start', 'ms')}
<h2>Throughput per second</h2>
${renderThroughputSvg(s.throughputPerS)}
<footer>loadtest.json holds every turn. Churn and latencies are defined in docs/loadtest.md.</footer>
</body></html>
`;
}
