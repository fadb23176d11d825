import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTokens } from './align.js';
import type { AlignedPair } from './align.js';

const w = (text: string): string[] => text.split(' ').filter((t) => t !== '');
const render = (pairs: readonly AlignedPair[]): string =>
  pairs
    .map((p) => {
      if (p.op === 'eq') return p.ref;
      if (p.op === 'sub') return `${p.ref}>${p.hyp}`;
      if (p.op === 'del') return `-${p.ref}`;
      return `+${p.hyp}`;
    })
    .join(' ');

test('identical sequences align as matches only', () => {
  const a = alignTokens(w('a b c'), w('a b c'));
  assert.deepEqual(
    { hits: a.hits, s: a.substitutions, i: a.insertions, d: a.deletions, e: a.errors },
    { hits: 3, s: 0, i: 0, d: 0, e: 0 },
  );
  assert.equal(render(a.pairs), 'a b c');
});

test('the alignment lists every token of both sides, in order', () => {
  const ref = w('the cat sat on the mat');
  const hyp = w('a cat sat on mat today');
  const a = alignTokens(ref, hyp);
  const refBack = a.pairs.flatMap((p) => (p.op === 'ins' ? [] : [p.ref]));
  const hypBack = a.pairs.flatMap((p) => (p.op === 'del' ? [] : [p.hyp]));
  assert.deepEqual(refBack, ref);
  assert.deepEqual(hypBack, hyp);
  assert.equal(a.errors, 3);
  assert.equal(render(a.pairs), 'the>a cat sat on -the mat +today');
});

test('prefers more matches, then substitutions, then trailing insertions or deletions', () => {
  assert.equal(render(alignTokens(w('a b c d'), w('a x c e f')).pairs), 'a b>x c d>e +f');
  assert.equal(render(alignTokens(w('a b'), w('c')).pairs), 'a>c -b');
  assert.equal(
    render(alignTokens(w('eight'), w('eight eight eight')).pairs),
    'eight +eight +eight',
  );
});

test('empty sides', () => {
  assert.equal(render(alignTokens([], w('x y')).pairs), '+x +y');
  assert.equal(render(alignTokens(w('x y'), []).pairs), '-x -y');
  const none = alignTokens([], []);
  assert.deepEqual(none.pairs, []);
  assert.equal(none.errors, 0);
});

test('is the minimal edit distance on a case with a known answer', () => {
  // kitten → sitting: 2 substitutions and 1 insertion.
  const a = alignTokens([...'kitten'], [...'sitting']);
  assert.deepEqual([a.substitutions, a.insertions, a.deletions], [2, 1, 0]);
  assert.equal(render(a.pairs), 'k>s i t t e>i n +g');
});
