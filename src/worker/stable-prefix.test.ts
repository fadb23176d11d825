import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StablePrefixTracker } from './stable-prefix.js';

test('stable text grows only with words two hypotheses agree on, never the last word', () => {
  const t = new StablePrefixTracker();
  assert.deepEqual(t.update('and so'), { text: 'and so', stableText: '' });
  assert.deepEqual(t.update('and so my'), { text: 'and so my', stableText: 'and so' });
  assert.deepEqual(t.update('and so my fellow'), {
    text: 'and so my fellow',
    stableText: 'and so my',
  });
});

test('stable text never shrinks when a later hypothesis disagrees', () => {
  const t = new StablePrefixTracker();
  t.update('ask not what');
  t.update('ask not what your');
  const r = t.update('ask knot what your country');
  assert.equal(r.stableText, 'ask not what');
  assert.ok(r.text.startsWith(r.stableText));
  const seen: string[] = [];
  for (const h of ['ask not what your country', 'ask not what your country can', 'a', '']) {
    const { stableText } = t.update(h);
    seen.push(stableText);
  }
  for (let i = 1; i < seen.length; i++) assert.ok((seen[i] ?? '').startsWith(seen[i - 1] ?? ''));
});

test('reset starts a new utterance', () => {
  const t = new StablePrefixTracker();
  t.update('one two three');
  t.update('one two three four');
  t.reset();
  assert.equal(t.update('five six').stableText, '');
});
