import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { parseFleetConfig } from '../routing/index.js';
import { callerReader, priorityOf } from './callers.js';

const request = (headers: Record<string, string>, query: Record<string, string> = {}) =>
  ({ headers, query }) as unknown as FastifyRequest;

test('a caller may declare a priority by header, or by query for browser WebSockets', () => {
  assert.equal(priorityOf(request({})), undefined);
  assert.equal(priorityOf(request({ 'x-voxfleet-priority': 'latency' })), 'latency');
  assert.equal(priorityOf(request({}, { priority: 'quality' })), 'quality');
  assert.equal(
    priorityOf(request({ 'x-voxfleet-priority': 'latency' }, { priority: 'quality' })),
    'latency',
    'the header wins',
  );
  for (const bad of ['fast', 'LATENCY', 'latency,quality'])
    assert.throws(() => priorityOf(request({ 'x-voxfleet-priority': bad })), {
      code: 'INVALID_ARGUMENT',
      message: /'priority'.*latency, quality/,
    });
});

test('the fleet caller carries the declared priority beside tenant and locality', () => {
  const fleet = parseFleetConfig({
    regions: [{ name: 'eu-west', zone: 'eu', location: { lat: 53, lon: -6 } }],
    tenants: [],
  });
  const read = callerReader(fleet, 'eu-west');
  assert.deepEqual(read(request({ 'x-voxfleet-priority': 'quality' })), {
    locality: 'eu-west',
    priority: 'quality',
  });
  assert.deepEqual(read(request({})), { locality: 'eu-west' });
});
