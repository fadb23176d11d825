import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareSemver, isSemver } from './semver.js';

test('isSemver accepts SemVer 2.0.0 and rejects the rest', () => {
  for (const v of [
    '1.0.0',
    '0.0.1',
    '10.20.30',
    '1.0.0-alpha.1',
    '1.0.0+build.5',
    '1.0.0-rc.1+b',
  ]) {
    assert.equal(isSemver(v), true, v);
  }
  for (const v of ['1', '1.0', '01.0.0', '1.0.0-', 'v1.0.0', '1.0.0.0', '', '1.0.0-01']) {
    assert.equal(isSemver(v), false, v);
  }
});

test('compareSemver orders by precedence', () => {
  const ordered = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '2.0.0',
    '10.0.0',
  ];
  for (let i = 0; i + 1 < ordered.length; i++) {
    assert.ok(compareSemver(ordered[i]!, ordered[i + 1]!) < 0, `${ordered[i]} < ${ordered[i + 1]}`);
    assert.ok(compareSemver(ordered[i + 1]!, ordered[i]!) > 0);
  }
  assert.equal(compareSemver('1.0.0+a', '1.0.0+b'), 0);
  assert.throws(() => compareSemver('x', '1.0.0'), RangeError);
});
