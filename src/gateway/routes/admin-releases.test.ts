import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { ManualClock, VoxfleetError } from '../../core/index.js';
import { MemoryVersionedStore, RolloutStore, type RolloutState } from '../../release/index.js';
import { samplePlan } from '../../release/testing/sample-plan.js';
import { sendError } from '../http-errors.js';
import { registerAdminReleaseRoutes } from './admin-releases.js';

const KEY = 'admin-secret-key';

async function adminApp() {
  const store = new RolloutStore(new MemoryVersionedStore());
  let changes = 0;
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) =>
    sendError(reply, err instanceof VoxfleetError ? err : new VoxfleetError('INTERNAL', 'x')),
  );
  registerAdminReleaseRoutes(app, {
    store,
    adminKey: KEY,
    clock: new ManualClock(5000),
    changed: async () => void changes++,
  });
  const call = (method: 'GET' | 'POST', url: string, body?: object, key = KEY) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}`, 'x-voxfleet-actor': 'dana' },
      ...(body !== undefined ? { payload: body } : {}),
    });
  return { app, store, call, changes: () => changes };
}

test('without the admin key nothing is read or changed', async () => {
  const { app, call } = await adminApp();
  for (const key of ['', 'wrong-key'])
    for (const [method, url] of [
      ['GET', '/v1/admin/releases'],
      ['POST', '/v1/admin/releases/p/rollback'],
    ] as const) {
      const res = await call(method, url, method === 'POST' ? {} : undefined, key);
      assert.equal(res.statusCode, 401, `${method} ${url} with '${key}'`);
      assert.equal(res.json<{ error: { code: string } }>().error.code, 'UNAUTHENTICATED');
    }
  await app.close();
});

test('start, list, pause, resume and roll back over HTTP, each in the audit log as admin:<actor>', async () => {
  const { app, call, changes } = await adminApp();
  const plan = samplePlan();
  const started = await call('POST', '/v1/admin/releases', plan);
  assert.equal(started.statusCode, 201, started.body);
  assert.equal(started.json<{ state: RolloutState }>().state.status, 'running');
  const listed = await call('GET', '/v1/admin/releases');
  assert.deepEqual(
    listed.json<{ rollouts: { plan: { id: string } }[] }>().rollouts.map((r) => r.plan.id),
    [plan.id],
  );
  for (const [action, status] of [
    ['pause', 'paused'],
    ['resume', 'running'],
    ['rollback', 'rolled_back'],
  ] as const) {
    const res = await call('POST', `/v1/admin/releases/${plan.id}/${action}`, { reason: 'drill' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json<{ state: RolloutState }>().state.status, status);
  }
  const one = await call('GET', `/v1/admin/releases/${plan.id}`);
  const audit = one.json<{ state: RolloutState }>().state.audit;
  assert.deepEqual(
    audit.filter((e) => e.actor === 'admin:dana').map((e) => e.action),
    ['start', 'step_entered', 'pause', 'resume', 'rollback'],
  );
  assert.equal(audit.find((e) => e.action === 'rollback')?.reason, 'drill');
  assert.equal(changes(), 4, 'the gateway re-reads after each change');
  await app.close();
});

test('bad requests get stable codes: an invalid plan, an unknown action or rollout, an illegal move', async () => {
  const { app, call } = await adminApp();
  const invalid = await call('POST', '/v1/admin/releases', { id: 'x' });
  assert.equal(invalid.statusCode, 400);
  assert.equal(invalid.json<{ error: { code: string } }>().error.code, 'INVALID_ARGUMENT');
  const unknown = await call('GET', '/v1/admin/releases/nope');
  assert.equal(unknown.statusCode, 404);
  assert.equal((await call('POST', '/v1/admin/releases/nope/rollback', {})).statusCode, 404);
  const plan = samplePlan();
  await call('POST', '/v1/admin/releases', plan);
  const action = await call('POST', `/v1/admin/releases/${plan.id}/explode`, {});
  assert.equal(action.statusCode, 400);
  assert.equal(action.json<{ error: { param: string } }>().error.param, 'action');
  const illegal = await call('POST', `/v1/admin/releases/${plan.id}/resume`, {});
  assert.equal(illegal.statusCode, 400, 'a running rollout cannot be resumed');
  const second = await call('POST', '/v1/admin/releases', { ...plan, id: 'another' });
  assert.equal(second.statusCode, 400, 'one rollout per model name at a time');
  await app.close();
});

test('a start may carry the offline evidence the CLI read; it is checked and kept in the state', async () => {
  const { app, call } = await adminApp();
  const plan = samplePlan();
  const offline = {
    candidate: { wer_delta: -0.01, worst_slice_wer_delta: 0.004 },
    baseline: {},
    notes: ['capacity measured on another machine'],
  };
  for (const [bad, param] of [
    [
      { plan, offline: { ...offline, candidate: { wer_delta: 'low' } } },
      'offline.candidate.wer_delta',
    ],
    [{ plan, offline: { ...offline, candidate: { made_up: 1 } } }, 'offline.candidate.made_up'],
    [{ plan, offline, extra: true }, 'extra'],
    [{ plan: { id: 'x' }, offline }, 'plan.model'],
  ] as const) {
    const res = await call('POST', '/v1/admin/releases', bad);
    assert.equal(res.statusCode, 400, JSON.stringify(bad));
    const error = res.json<{ error: { code: string; param: string } }>().error;
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.equal(error.param, param);
  }
  assert.equal(
    (await call('GET', '/v1/admin/releases')).json<{ rollouts: [] }>().rollouts.length,
    0,
  );
  const started = await call('POST', '/v1/admin/releases', { plan, offline });
  assert.equal(started.statusCode, 201, started.body);
  const state = started.json<{ state: RolloutState }>().state;
  assert.deepEqual(state.offline, offline);
  assert.match(state.audit[0]?.reason ?? '', /another machine/);
  await app.close();
});
