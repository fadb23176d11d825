import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/clock.js';
import { BreakerBoard, CircuitBreaker } from './circuit-breaker.js';

const policy = { failures: 3, slowMs: 2000, openMs: 5000, maxOpenMs: 12_000 };

test('three failures in a row open the breaker; a success in between resets the count', () => {
  const b = new CircuitBreaker(new ManualClock(), policy);
  b.failed();
  b.failed();
  b.succeeded(10);
  b.failed();
  b.failed();
  assert.equal(b.state, 'closed');
  b.failed();
  assert.equal(b.state, 'open');
  assert.equal(b.tryPass(), false);
});

test('a slow answer counts as a failure', () => {
  const b = new CircuitBreaker(new ManualClock(), policy);
  for (let i = 0; i < 3; i++) b.succeeded(2500);
  assert.equal(b.state, 'open');
});

test('after openMs exactly one probe passes; its success closes the breaker', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(clock, policy);
  for (let i = 0; i < 3; i++) b.failed();
  clock.advance(4999);
  assert.equal(b.tryPass(), false);
  clock.advance(1);
  assert.equal(b.state, 'half-open');
  assert.equal(b.admits, true);
  assert.equal(b.tryPass(), true);
  assert.equal(b.admits, false, 'the probe is taken');
  assert.equal(b.tryPass(), false);
  b.succeeded(5);
  assert.equal(b.state, 'closed');
  assert.equal(b.tryPass(), true);
});

test('a failed probe opens it again for twice as long, up to maxOpenMs', () => {
  const clock = new ManualClock();
  const b = new CircuitBreaker(clock, policy);
  for (let i = 0; i < 3; i++) b.failed();
  const openFor: number[] = [];
  for (let round = 0; round < 3; round++) {
    let waited = 0;
    while (b.state === 'open') {
      clock.advance(1000);
      waited += 1000;
    }
    openFor.push(waited);
    assert.equal(b.tryPass(), true);
    b.failed();
  }
  assert.deepEqual(openFor, [5000, 10_000, 12_000]);
  // A success resets the period: the next trip is short again.
  while (b.state === 'open') clock.advance(1000);
  b.tryPass();
  b.succeeded(1);
  for (let i = 0; i < 3; i++) b.failed();
  clock.advance(5000);
  assert.equal(b.state, 'half-open');
});

test('the board keeps one breaker per key and lists the ones not closed', () => {
  const board = new BreakerBoard(new ManualClock(), policy);
  assert.equal(board.get('w1'), board.get('w1'));
  for (let i = 0; i < 3; i++) board.get('w2').failed();
  assert.deepEqual(board.notClosed(), [{ key: 'w2', state: 'open' }]);
  board.forget('w2');
  assert.deepEqual(board.notClosed(), []);
});
