import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  ERROR_CATALOG,
  VoxfleetError,
  errorFromWire,
  invalidArgument,
  toVoxfleetError,
  type ErrorCode,
} from './errors.js';

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

function documentedRows(): Map<string, { http: number; ws: number; retryable: boolean }> {
  const rows = new Map<string, { http: number; ws: number; retryable: boolean }>();
  for (const line of docs.split('\n')) {
    const m = /^\|\s*`([A-Z_]+)`\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(yes|no)\s*\|/.exec(line);
    if (m) rows.set(m[1]!, { http: Number(m[2]), ws: Number(m[3]), retryable: m[4] === 'yes' });
  }
  return rows;
}

test('docs/errors.md documents exactly the codes in the catalogue, with the same statuses', () => {
  const rows = documentedRows();
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CATALOG).sort());
  for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
    assert.deepEqual(
      rows.get(code),
      { http: spec.httpStatus, ws: spec.wsCloseCode, retryable: spec.retryable },
      code,
    );
  }
});

test('errors round-trip through the wire shape', () => {
  const e = new VoxfleetError('OVER_CAPACITY', 'full', { retryAfterMs: 1500 });
  const back = errorFromWire(JSON.parse(JSON.stringify(e.toWire())) as Record<string, unknown>);
  assert.equal(back.code, 'OVER_CAPACITY');
  assert.equal(back.retryable, true);
  assert.equal(back.details.retryAfterMs, 1500);
  assert.equal(errorFromWire({ code: 'NO_SUCH_CODE' }).code, 'INTERNAL' satisfies ErrorCode);
});

test('unexpected throws become INTERNAL without leaking their message', () => {
  const e = toVoxfleetError(new Error('secret path /home/x'));
  assert.equal(e.code, 'INTERNAL');
  assert.ok(!e.message.includes('secret'));
});

test('invalidArgument names the field, the rule and what was sent', () => {
  const e = invalidArgument('sample_rate', 'must be one of 8000, 16000', 1234);
  assert.equal(e.message, "'sample_rate' must be one of 8000, 16000 (got 1234)");
  assert.equal(e.details.field, 'sample_rate');
});
