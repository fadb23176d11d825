#!/usr/bin/env node
// Runs the test files with Node's own runner (through tsx for TypeScript).
// Unit tests sit beside the code (src/**/*.test.ts; the web console's in console/test); integration
// tests, which load the real models and start servers, live in test/**/*.test.ts and run one file
// at a time (2 cores).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const which = process.argv[2] ?? 'all';
const filter = process.argv[3];

function find(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// The web console's pure logic is tested under Node too (console/test; its views run in Chromium).
const unit = [...find('src'), ...find('console/test')].sort();
const integration = find('test').sort();
const selected = (list) => (filter ? list.filter((f) => f.includes(filter)) : list);

function run(files, concurrency) {
  if (files.length === 0) return 0;
  const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
  // Files one at a time: say which ones the time went to (the budget is 20 minutes).
  if (concurrency === 1)
    reporters.push(
      '--test-reporter=./scripts/file-times-reporter.mjs',
      '--test-reporter-destination=stdout',
    );
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...reporters, ...files],
    { stdio: 'inherit' },
  );
  return r.status ?? 1;
}

let status = 0;
if (which === 'unit' || which === 'all') status ||= run(selected(unit), 2);
if ((which === 'integration' || which === 'all') && status === 0)
  status ||= run(selected(integration), 1);
process.exit(status);
