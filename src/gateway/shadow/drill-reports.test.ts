import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/index.js';
import { MemoryVersionedStore } from '../../release/index.js';
import { DrillReports } from './drill-reports.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test("the earliest gateway's first baseline session of this drill is what the controller reads", async () => {
  const store = new MemoryVersionedStore();
  const clock = new ManualClock(10_000);
  const a = new DrillReports(store, 'gw_a', clock);
  const b = new DrillReports(store, 'gw_b', clock);
  a.served('r', 4_000); // an earlier drill, reported before this one began
  await settle();
  assert.equal(await a.firstServedAt('r', 9_000), undefined, "an earlier drill's report");
  clock.advance(700);
  b.served('r', 9_000);
  clock.advance(300);
  a.served('r', 9_000);
  clock.advance(500);
  b.served('r', 9_000); // a gateway reports a drill once: its first session
  await settle();
  assert.equal(await a.firstServedAt('r', 9_000), 10_700);
  assert.equal(await b.firstServedAt('other', 9_000), undefined);
});
