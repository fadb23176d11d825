/** The plain-text summary `voxfleet eval` prints: slices, speed, latency, comparison, gate. */
import type { NumberMode } from '../normalize-text.js';
import type { Comparison, EvalResult, Percentiles, SliceScores } from './result-types.js';

const MODE_LABEL: Record<NumberMode, string> = {
  spell: 'numbers spelled out',
  keep: 'digits kept',
};

/** 0.0673 -> '6.7' (percent, one decimal). */
export function formatPercent(rate: number): string {
  return (rate * 100).toFixed(1);
}

/** 0.0042 -> '+0.4' (signed percentage points, one decimal). */
export function formatPoints(delta: number): string {
  const pp = Math.round(delta * 1000) / 10;
  return `${pp > 0 ? '+' : pp < 0 ? '-' : '±'}${Math.abs(pp).toFixed(1)}`;
}

/** 812 -> '812 ms', 1934 -> '1.93 s'. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function describeServedModel(result: EvalResult): string {
  const s = result.served;
  if (s.model !== null) return `${s.model}@${s.modelVersion ?? '?'}`;
  return result.config.model ?? 'default model';
}

export function formatEvalTable(result: EvalResult): string {
  const { config, summary, normalization } = result;
  const primary = normalization.numbers;
  const other: NumberMode = primary === 'spell' ? 'keep' : 'spell';
  const lines = [
    `voxfleet eval: ${describeServedModel(result)} via ${config.path} (${config.url}), ` +
      `${summary.utterances} utterances, ${summary.audioS.toFixed(1)} s of audio`,
    `normalisation: ${MODE_LABEL[primary]} (last column: ${MODE_LABEL[other]}); docs/eval.md`,
    '',
    ...formatSlices(result.scores[primary], result.scores[other]),
    '',
    ...formatSpeed(result),
  ];
  if (summary.failed > 0) {
    const codes = new Map<string, number>();
    for (const u of result.utterances)
      if (u.error) codes.set(u.error.code, (codes.get(u.error.code) ?? 0) + 1);
    const list = [...codes].map(([code, n]) => `${code} x${n}`).join(', ');
    lines.push(`FAILED: ${summary.failed} utterance(s), not scored (${list})`);
  }
  if (result.comparison) lines.push('', ...formatComparison(result.comparison));
  return `${lines.join('\n')}\n`;
}

function formatSlices(rows: readonly SliceScores[], otherRows: readonly SliceScores[]): string[] {
  const width = Math.max(16, ...rows.map((r) => r.slice.length));
  const otherBySlice = new Map(otherRows.map((r) => [r.slice, r]));
  const header = [
    'slice'.padEnd(width),
    'utts'.padStart(5),
    'words'.padStart(6),
    'WER %'.padStart(6),
    'S'.padStart(5),
    'I'.padStart(5),
    'D'.padStart(5),
    'CER %'.padStart(6),
    'other WER %'.padStart(12),
  ].join(' ');
  return [
    header,
    ...rows.map((r) =>
      [
        r.slice.padEnd(width),
        String(r.utterances).padStart(5),
        String(r.refWords).padStart(6),
        formatPercent(r.wer).padStart(6),
        String(r.substitutions).padStart(5),
        String(r.insertions).padStart(5),
        String(r.deletions).padStart(5),
        formatPercent(r.cer).padStart(6),
        (otherBySlice.has(r.slice) ? formatPercent(otherBySlice.get(r.slice)!.wer) : '-').padStart(
          12,
        ),
      ].join(' '),
    ),
  ];
}

function formatPercentiles(label: string, p: Percentiles | null): string | undefined {
  if (p === null) return undefined;
  return `${label.padEnd(24)} p50 ${formatMs(p.p50)}, p95 ${formatMs(p.p95)}, p99 ${formatMs(p.p99)} (n=${p.n})`;
}

function formatSpeed(result: EvalResult): string[] {
  const { summary, config } = result;
  const out: string[] = [];
  if (summary.rtf !== null) {
    const r = summary.rtf;
    out.push(
      `${'real-time factor'.padEnd(24)} p50 ${r.p50.toFixed(3)}, p95 ${r.p95.toFixed(3)}, ` +
        `p99 ${r.p99.toFixed(3)}, total ${r.total.toFixed(3)} (request time / audio)`,
    );
  }
  out.push(
    `${'throughput'.padEnd(24)} ${summary.throughputX.toFixed(2)} s of audio per wall second ` +
      `(${config.concurrency} at once, ${summary.wallS.toFixed(1)} s wall)`,
  );
  for (const line of [
    formatPercentiles('request latency', summary.latencyMs),
    formatPercentiles('first partial', summary.firstPartialMs),
    formatPercentiles('final after speech end', summary.finalMs),
  ])
    if (line !== undefined) out.push(line);
  return out;
}

export function formatComparison(c: Comparison): string[] {
  const baseline =
    c.baseline.model !== null
      ? `${c.baseline.model}@${c.baseline.modelVersion ?? '?'} (${c.baseline.kind} ${c.baseline.source})`
      : `${c.baseline.kind} ${c.baseline.source}`;
  const conf = Math.round(c.confidence * 100);
  const width = Math.max(16, ...c.slices.map((s) => s.slice.length + 1));
  const lines = [
    `compared with ${baseline}: ${c.pairedUtterances} paired utterances, ${MODE_LABEL[c.numbers]}, ` +
      `${conf} % bootstrap CI (${c.resamples} resamples, seed ${c.seed})`,
    [
      'slice'.padEnd(width),
      'utts'.padStart(5),
      'words'.padStart(6),
      'base %'.padStart(7),
      'this %'.padStart(7),
      'delta pp'.padStart(9),
      `${conf} % CI pp`.padStart(16),
    ].join(' '),
    ...c.slices.map((s) =>
      [
        `${s.slice}${s.gated ? '' : '*'}`.padEnd(width),
        String(s.utterances).padStart(5),
        String(s.refWords).padStart(6),
        formatPercent(s.baselineWer).padStart(7),
        formatPercent(s.candidateWer).padStart(7),
        formatPoints(s.delta).padStart(9),
        `[${formatPoints(s.ciLow)}, ${formatPoints(s.ciHigh)}]`.padStart(16),
      ].join(' '),
    ),
  ];
  const g = c.gate;
  const worst = `worst slice '${g.worstSlice}' ${formatPoints(g.worstDelta)} pp [${formatPoints(g.worstCiLow)}, ${formatPoints(g.worstCiHigh)}]`;
  lines.push(
    g.maxRegression === null
      ? `gate: ${worst}; no --max-regression given`
      : `gate: ${worst}; max regression ${formatPoints(g.maxRegression)} pp: ` +
          (g.failed ? `FAILED (${g.regressedSlices.join(', ')})` : 'passed'),
  );
  if (c.slices.some((s) => !s.gated))
    lines.push(`* fewer than ${g.minGateUtterances} utterances: shown, not gated`);
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  return lines;
}
