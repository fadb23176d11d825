import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdlePool } from './idle-pool.js';

test('an object given back is taken again for its key only', () => {
  const pool = new IdlePool<{ id: number }>(4);
  let next = 0;
  const make = () => ({ id: next++ });
  const a = pool.take('k1', make);
  pool.give('k1', a);
  assert.equal(pool.take('k2', make).id, 1, 'another key makes a new one');
  assert.equal(pool.take('k1', make), a);
  assert.equal(pool.created, 2);
  assert.equal(pool.idleSize, 0);
});

test('at most maxIdle objects are kept, across keys', () => {
  const pool = new IdlePool<number>(2);
  pool.give('a', 1);
  pool.give('b', 2);
  pool.give('a', 3);
  assert.equal(pool.idleSize, 2);
  let made = 0;
  assert.equal(
    pool.take('a', () => ++made),
    1,
  );
  assert.equal(
    pool.take('a', () => 100 + ++made),
    101,
    'the third was dropped, not kept',
  );
});

test('fill makes objects up to the count asked, within the bound', () => {
  const pool = new IdlePool<number>(3);
  let made = 0;
  pool.fill('a', 2, () => made++);
  pool.fill('a', 2, () => made++);
  assert.equal(made, 2, 'already two waiting: nothing more made');
  pool.fill('b', 5, () => made++);
  assert.equal(pool.idleSize, 3);
  assert.equal(pool.created, 3);
});

test('after close nothing is kept: sessions still open give their objects back to no one', () => {
  const pool = new IdlePool<number>(3);
  pool.give('a', 1);
  pool.close();
  assert.equal(pool.idleSize, 0);
  pool.give('a', 2);
  pool.fill('a', 2, () => 3);
  assert.equal(pool.idleSize, 0);
});
