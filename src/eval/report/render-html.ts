/**
 * report.html: one self-contained file (inline CSS and SVG; no script, font, image or CDN) with
 * the slices as bars, speed and latency, the comparison with intervals, and the worst
 * utterances aligned word by word. Every text from a manifest, server or user is escaped.
 */
import { describeCpu } from '../runner/machine.js';
import { wordErrorRate } from '../error-rate.js';
import type { NumberMode } from '../normalize-text.js';
import { describeServedModel, formatMs, formatPercent, formatPoints } from './format-table.js';
import {
  REPORT_CSS,
  escapeHtml,
  renderAlignment,
  renderBar,
  renderIntervalSvg,
} from './html-parts.js';
import type {
  Comparison,
  EvalResult,
  Percentiles,
  SliceScores,
  UtteranceRecord,
} from './result-types.js';
import { normalizerFor } from './score-utterances.js';

/** How many of the worst utterances the report aligns word by word. */
export const WORST_UTTERANCES = 10;

export function renderEvalHtml(result: EvalResult): string {
  const primary = result.normalization.numbers;
  const other: NumberMode = primary === 'spell' ? 'keep' : 'spell';
  const title = `voxfleet eval: ${describeServedModel(result)} via ${result.config.path}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${REPORT_CSS}</style></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    renderMeta(result),
    '<h2>WER per slice</h2>',
    `<p class="meta">Bars: WER with ${primary === 'spell' ? 'numbers spelled out' : 'digits kept'} ` +
      `(blue) and with ${other === 'spell' ? 'numbers spelled out' : 'digits kept'} (grey), ` +
      'scaled to the worst slice. S / I / D: substituted, inserted, deleted words.</p>',
    renderSlices(result.scores[primary], result.scores[other]),
    '<h2>Speed and latency</h2>',
    renderSpeed(result),
    result.comparison ? renderComparison(result.comparison) : '',
    renderWorst(result.utterances, primary),
    renderFailed(result.utterances),
    `<footer><p>Normalisation (English): ${escapeHtml(result.normalization.english)}.</p>` +
      `<p>Other languages: ${escapeHtml(result.normalization.otherLanguages)}.</p>` +
      `<p>Schema ${escapeHtml(result.schema)} v${result.schemaVersion}; details in docs/eval.md.</p></footer>`,
    '</body></html>',
    '',
  ].join('\n');
}

function renderMeta(result: EvalResult): string {
  const { config, machine, summary, served } = result;
  const versions = Object.entries(served.versions)
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');
  const rows: [string, string][] = [
    ['created', result.createdAt],
    ['manifest', config.manifest],
    ['target', `${config.target} (${config.url})`],
    ['path', `${config.path}, ${config.concurrency} at once`],
    ['model asked', config.model ?? "server's default"],
    ['served by', versions === '' ? '-' : versions],
    ['language', config.language ?? 'per item / default'],
    [
      'utterances',
      `${summary.utterances} (${summary.failed} failed), ${summary.audioS.toFixed(1)} s of audio`,
    ],
    ['machine', `${describeCpu(machine)}, ${machine.platform}/${machine.arch}`],
  ];
  return `<table class="meta">${rows
    .map(([k, v]) => `<tr><td>${k}</td><td style="text-align:left">${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`;
}

function renderSlices(rows: readonly SliceScores[], otherRows: readonly SliceScores[]): string {
  const otherBySlice = new Map(otherRows.map((r) => [r.slice, r]));
  const scale = Math.max(0.01, ...rows.map((r) => r.wer), ...otherRows.map((r) => r.wer));
  const body = rows
    .map((r) => {
      const o = otherBySlice.get(r.slice);
      return (
        `<tr><td>${escapeHtml(r.slice)}</td><td>${r.utterances}</td><td>${r.refWords}</td>` +
        `<td>${formatPercent(r.wer)}</td><td>${renderBar(r.wer, scale)}<br>` +
        `${renderBar(o?.wer ?? 0, scale, 'fill other')}</td>` +
        `<td>${r.substitutions}</td><td>${r.insertions}</td><td>${r.deletions}</td>` +
        `<td>${formatPercent(r.cer)}</td><td>${o ? formatPercent(o.wer) : '-'}</td></tr>`
      );
    })
    .join('\n');
  return (
    '<table><thead><tr><th>slice</th><th>utts</th><th>words</th><th>WER %</th><th></th>' +
    '<th>S</th><th>I</th><th>D</th><th>CER %</th><th>other WER %</th></tr></thead>' +
    `<tbody>${body}</tbody></table>`
  );
}

function percentileRow(label: string, p: Percentiles | null): string {
  if (p === null) return '';
  return (
    `<tr><td>${label}</td><td>${formatMs(p.p50)}</td><td>${formatMs(p.p95)}</td>` +
    `<td>${formatMs(p.p99)}</td><td>${p.n}</td></tr>`
  );
}

function renderSpeed(result: EvalResult): string {
  const { summary } = result;
  const rtf = summary.rtf;
  return (
    '<table><thead><tr><th>measure</th><th>p50</th><th>p95</th><th>p99</th><th>n</th></tr></thead><tbody>' +
    (rtf === null
      ? ''
      : `<tr><td>real-time factor (request / audio)</td><td>${rtf.p50.toFixed(3)}</td>` +
        `<td>${rtf.p95.toFixed(3)}</td><td>${rtf.p99.toFixed(3)}</td><td>${rtf.n}</td></tr>`) +
    percentileRow('request latency', summary.latencyMs) +
    percentileRow('first partial', summary.firstPartialMs) +
    percentileRow('final after end of speech', summary.finalMs) +
    '</tbody></table>' +
    `<p>Throughput: ${summary.throughputX.toFixed(2)} s of audio per wall second ` +
    `(${summary.audioS.toFixed(1)} s in ${summary.wallS.toFixed(1)} s)` +
    (rtf === null ? '' : `; total real-time factor ${rtf.total.toFixed(3)}`) +
    '.</p>'
  );
}

function renderComparison(c: Comparison): string {
  const conf = Math.round(c.confidence * 100);
  const threshold = c.gate.maxRegression;
  const range =
    1.1 *
    Math.max(
      0.005,
      threshold ?? 0,
      ...c.slices.flatMap((s) => [Math.abs(s.ciLow), Math.abs(s.ciHigh), Math.abs(s.delta)]),
    );
  const baseline =
    c.baseline.model !== null
      ? `${c.baseline.model}@${c.baseline.modelVersion ?? '?'} (${c.baseline.kind}: ${c.baseline.source})`
      : `${c.baseline.kind}: ${c.baseline.source}`;
  const rows = c.slices
    .map(
      (s) =>
        `<tr><td>${escapeHtml(s.slice)}${s.gated ? '' : ' *'}</td><td>${s.utterances}</td><td>${s.refWords}</td>` +
        `<td>${formatPercent(s.baselineWer)}</td><td>${formatPercent(s.candidateWer)}</td>` +
        `<td>${formatPoints(s.delta)}</td><td>[${formatPoints(s.ciLow)}, ${formatPoints(s.ciHigh)}]</td>` +
        `<td>${renderIntervalSvg(s.delta, s.ciLow, s.ciHigh, range, threshold)}</td></tr>`,
    )
    .join('\n');
  const g = c.gate;
  const verdict =
    threshold === null
      ? 'no threshold given'
      : g.failed
        ? `<span class="gate-failed">FAILED: ${escapeHtml(g.regressedSlices.join(', '))}</span>`
        : '<span class="gate-passed">passed</span>';
  return (
    `<h2>Compared with ${escapeHtml(baseline)}</h2>` +
    `<p class="meta">${c.pairedUtterances} utterances paired by id; delta = this run - baseline, ` +
    `percentage points; ${conf} % paired bootstrap interval (${c.resamples} resamples, seed ${c.seed}).</p>` +
    '<table><thead><tr><th>slice</th><th>utts</th><th>words</th><th>baseline %</th><th>this %</th>' +
    `<th>delta pp</th><th>${conf} % CI pp</th><th></th></tr></thead><tbody>${rows}</tbody></table>` +
    `<p>Gate: worst slice <b>${escapeHtml(g.worstSlice)}</b> ${formatPoints(g.worstDelta)} pp ` +
    `[${formatPoints(g.worstCiLow)}, ${formatPoints(g.worstCiHigh)}]` +
    (threshold === null ? '' : `; max regression ${formatPoints(threshold)} pp`) +
    `: ${verdict}.</p>` +
    (c.slices.some((s) => !s.gated)
      ? `<p class="meta">* fewer than ${g.minGateUtterances} utterances: shown, not gated.</p>`
      : '') +
    c.warnings.map((w) => `<p class="failed">${escapeHtml(w)}</p>`).join('')
  );
}

/** The utterances with the most word errors (then highest WER), aligned word by word. */
export function pickWorst(
  utterances: readonly UtteranceRecord[],
  numbers: NumberMode,
  count = WORST_UTTERANCES,
): UtteranceRecord[] {
  return utterances
    .filter((u) => u.scores !== undefined && u.scores[numbers].errors > 0)
    .sort(
      (a, b) =>
        b.scores![numbers].errors - a.scores![numbers].errors ||
        b.scores![numbers].wer - a.scores![numbers].wer,
    )
    .slice(0, count);
}

function renderWorst(utterances: readonly UtteranceRecord[], numbers: NumberMode): string {
  const worst = pickWorst(utterances, numbers);
  const legend =
    '<p class="legend">Legend: <span class="eq">match</span> <span class="sub"><s>ref</s>&#8202;<b>hyp</b></span> substituted ' +
    '<s class="del">ref</s> deleted <u class="ins">hyp</u> inserted</p>';
  const blocks = worst.map((u) => {
    const normalize = normalizerFor(u.language, numbers);
    const scored = wordErrorRate(normalize(u.ref), normalize(u.hyp));
    return (
      `<div class="utt"><h3>${escapeHtml(u.id)}: WER ${formatPercent(scored.wer)} % ` +
      `(${scored.substitutions} S, ${scored.insertions} I, ${scored.deletions} D of ${scored.refWords} words)</h3>` +
      `<div class="tags">${escapeHtml(u.tags.join(', '))} · ${u.durationS.toFixed(1)} s · ${formatMs(u.latencyMs)}</div>` +
      `<p class="align">${renderAlignment(scored.alignment)}</p>` +
      `<div class="raw">ref: ${escapeHtml(u.ref)}\nhyp: ${escapeHtml(u.hyp)}</div></div>`
    );
  });
  return (
    `<h2>Worst ${worst.length} utterances</h2>` +
    (worst.length === 0 ? '<p>No utterance has an error.</p>' : legend + blocks.join('\n'))
  );
}

function renderFailed(utterances: readonly UtteranceRecord[]): string {
  const failed = utterances.filter((u) => u.error !== undefined);
  if (failed.length === 0) return '';
  return (
    `<h2 class="failed">Failed requests (${failed.length}, not scored)</h2><ul>` +
    failed
      .map(
        (u) =>
          `<li>${escapeHtml(u.id)}: ${escapeHtml(u.error!.code)}: ${escapeHtml(u.error!.message)}</li>`,
      )
      .join('') +
    '</ul>'
  );
}
