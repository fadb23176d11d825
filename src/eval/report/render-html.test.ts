import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../compare/compare-results.js';
import { fixtureResult } from '../testing/eval-fixtures.js';
import { escapeHtml, renderAlignment } from './html-parts.js';
import { pickWorst, renderEvalHtml } from './render-html.js';

const hostile = fixtureResult([
  {
    id: 'x"><img src=x onerror=alert(1)>',
    ref: 'hello <b>world</b> & friends',
    hyp: 'hello <script>alert("pwned")</script> friends',
    tags: ['<script>tag</script>', 'clean'],
  },
  { id: 'fine', ref: 'good morning', hyp: 'good morning', tags: ['clean'] },
]);

test('escapeHtml escapes the five characters that matter', () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
  );
  assert.equal(escapeHtml('plain text'), 'plain text');
});

test('transcripts, ids and tags are escaped: a hyp with <script> stays text', () => {
  const html = renderEvalHtml(hostile);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<b>world/);
  assert.match(html, /&lt;script&gt;alert\(&quot;pwned&quot;\)&lt;\/script&gt;/);
  assert.match(html, /x&quot;&gt;&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /&lt;script&gt;tag&lt;\/script&gt;/);
});

test('the report is self-contained: no script, stylesheet link, font or remote URL', () => {
  const html = renderEvalHtml(hostile);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<style>/);
  assert.doesNotMatch(html, /<script\s+src=/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /@import|@font-face|url\(/i);
  assert.doesNotMatch(html, /(?:src|href)=["']?(?:https?:)?\/\//i);
});

test('alignment renders matches, substitutions, deletions and insertions with their classes', () => {
  const html = renderAlignment([
    { op: 'eq', ref: 'a', hyp: 'a' },
    { op: 'sub', ref: 'b', hyp: '<x>' },
    { op: 'del', ref: 'c' },
    { op: 'ins', hyp: 'd' },
  ]);
  assert.equal(
    html,
    '<span class="eq">a</span> <span class="sub" title="b → &lt;x&gt;"><s>b</s>&#8202;<b>&lt;x&gt;</b></span> ' +
      '<s class="del" title="deleted">c</s> <u class="ins" title="inserted">d</u>',
  );
});

test('the worst utterances come first, only those with errors', () => {
  const r = fixtureResult([
    { id: 'one-error', ref: 'a b c d', hyp: 'a b c' },
    { id: 'perfect', ref: 'a b', hyp: 'a b' },
    { id: 'three-errors', ref: 'a b c', hyp: 'x y z' },
  ]);
  assert.deepEqual(
    pickWorst(r.utterances, 'spell').map((u) => u.id),
    ['three-errors', 'one-error'],
  );
  const html = renderEvalHtml(r);
  assert.ok(html.indexOf('three-errors') < html.indexOf('one-error'));
  assert.match(html, /Worst 2 utterances/);
});

test('a comparison renders a row per slice with an inline SVG interval and the verdict', () => {
  const base = fixtureResult([
    { id: 'a', ref: 'a b', hyp: 'a b', tags: ['t'] },
    { id: 'b', ref: 'c d', hyp: 'c d' },
  ]);
  const worse = fixtureResult([
    { id: 'a', ref: 'a b', hyp: 'a', tags: ['t'] },
    { id: 'b', ref: 'c d', hyp: 'c' },
  ]);
  const comparison = compareResults(worse, base, {
    baseline: { kind: 'result', source: '/runs/<old>/result.json' },
    numbers: 'spell',
    seed: 1,
    resamples: 200,
    maxRegressionWer: 0.01,
    minGateUtterances: 1,
  });
  const html = renderEvalHtml({ ...worse, comparison });
  assert.equal(html.match(/<svg class="ci"/g)?.length, 2);
  assert.match(html, /FAILED: all, t/);
  assert.match(html, /\/runs\/&lt;old&gt;\/result\.json/);
});
