/**
 * Small HTML builders for report.html. Every piece of text that came from a manifest, a server
 * or a user (ids, tags, transcripts, model names, paths) goes through escapeHtml; numbers are
 * formatted by this code and carry no markup.
 */
import type { AlignedPair } from '../../core/index.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * A word-by-word alignment: matches plain, substitutions as struck reference + hypothesis,
 * deletions struck, insertions underlined (classes sub / del / ins, coloured by the stylesheet).
 */
export function renderAlignment(pairs: readonly AlignedPair[]): string {
  return pairs
    .map((p) => {
      switch (p.op) {
        case 'eq':
          return `<span class="eq">${escapeHtml(p.ref)}</span>`;
        case 'sub':
          return (
            `<span class="sub" title="${escapeHtml(`${p.ref} → ${p.hyp}`)}">` +
            `<s>${escapeHtml(p.ref)}</s>&#8202;<b>${escapeHtml(p.hyp)}</b></span>`
          );
        case 'del':
          return `<s class="del" title="deleted">${escapeHtml(p.ref)}</s>`;
        case 'ins':
          return `<u class="ins" title="inserted">${escapeHtml(p.hyp)}</u>`;
      }
    })
    .join(' ');
}

/** A horizontal bar whose width is `value / scale` of the cell (capped at 100 %). */
export function renderBar(value: number, scale: number, className = 'fill'): string {
  const width = scale > 0 ? Math.min(100, Math.max(0, (value / scale) * 100)) : 0;
  return `<span class="bar"><span class="${className}" style="width:${width.toFixed(1)}%"></span></span>`;
}

/**
 * An interval drawn as inline SVG on an axis centred on 0: a line from `low` to `high`, a dot
 * at `point`, a grey tick at 0 and, when given, a dashed red tick at `threshold`. Red when the
 * whole interval is above 0 (a regression), green when below (an improvement), grey otherwise.
 */
export function renderIntervalSvg(
  point: number,
  low: number,
  high: number,
  range: number,
  threshold: number | null,
): string {
  const w = 240;
  const h = 18;
  const mid = w / 2;
  const x = (v: number): string => (mid + (v / range) * (mid - 6)).toFixed(1);
  const colour = low > 0 ? '#c0392b' : high < 0 ? '#1e8449' : '#555';
  const thresholdTick =
    threshold === null
      ? ''
      : `<line x1="${x(threshold)}" x2="${x(threshold)}" y1="1" y2="${h - 1}" stroke="#c0392b" stroke-dasharray="2,2"/>`;
  return (
    `<svg class="ci" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img">` +
    `<line x1="${mid}" x2="${mid}" y1="0" y2="${h}" stroke="#bbb"/>${thresholdTick}` +
    `<line x1="${x(low)}" x2="${x(high)}" y1="${h / 2}" y2="${h / 2}" stroke="${colour}" stroke-width="3"/>` +
    `<circle cx="${x(point)}" cy="${h / 2}" r="4" fill="${colour}"/></svg>`
  );
}

export const REPORT_CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:2em auto;max-width:1100px;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}
.meta{color:#555}table{border-collapse:collapse;margin:.5em 0}th,td{padding:3px 8px;text-align:right;white-space:nowrap}
th{border-bottom:1px solid #999;font-weight:600}td:first-child,th:first-child{text-align:left}
tbody tr:nth-child(even){background:#f6f6f6}.bar{display:inline-block;width:220px;height:11px;background:#eee;vertical-align:middle}
.fill{display:block;height:100%;background:#2e86c1}.fill.other{background:#aab7b8}
.utt{border:1px solid #ddd;border-radius:4px;padding:.5em .8em;margin:.8em 0}.utt h3{font-size:1em;margin:.1em 0}
.tags{color:#666;font-size:.9em}.align{font-size:1.05em;line-height:1.9}.eq{color:#222}
.sub{background:#fdebd0;border-radius:3px;padding:0 2px}.sub s{color:#a04000}.sub b{color:#784212;font-weight:600}
.del{background:#fadbd8;color:#922b21}.ins{background:#d5f5e3;color:#196f3d;text-decoration:underline}
.legend span,.legend s,.legend u{margin-right:1em}.raw{color:#555;font-size:.9em;white-space:pre-wrap}
.failed{color:#922b21}.gate-failed{color:#c0392b;font-weight:600}.gate-passed{color:#1e8449;font-weight:600}
svg.ci{vertical-align:middle}footer{margin-top:3em;color:#777;font-size:.85em}
`;
