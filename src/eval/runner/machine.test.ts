import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuMhzOf, describeCpu, describeMachine, speedFeaturesOf } from './machine.js';

const CPUINFO = (flags: string): string =>
  `processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: ${flags}\nbugs\t\t: sysret_ss_attrs\n\n` +
  `processor\t: 1\nflags\t\t: fpu avx512f\n`;

test('speedFeaturesOf keeps the speed-relevant flags of the first processor, in a fixed order', () => {
  assert.deepEqual(speedFeaturesOf(CPUINFO('fpu vme sse4_2 fma avx2 avx avx512_vnni avx512f')), [
    'avx2',
    'fma',
    'avx512f',
    'avx512_vnni',
  ]);
  // A flag is a whole word: avx512fp16 is not avx512f.
  assert.deepEqual(speedFeaturesOf(CPUINFO('avx2 avx512fp16')), ['avx2']);
  assert.deepEqual(speedFeaturesOf('no flags line'), []);
});

test('cpuMhzOf reads the first processor clock, undefined when absent or zero', () => {
  assert.equal(cpuMhzOf('processor\t: 0\ncpu MHz\t\t: 2445.404\n'), 2445.404);
  assert.equal(cpuMhzOf('cpu MHz\t\t: 0.000\n'), undefined);
  assert.equal(cpuMhzOf(CPUINFO('avx2')), undefined);
});

test('describeCpu says outright what a slow VM lacks', () => {
  const base = { cpuModel: 'AMD EPYC', cores: 2 };
  assert.equal(
    describeCpu({ ...base, cpuMhz: 2445.4, cpuFeatures: ['avx2', 'fma'] }),
    'AMD EPYC, 2 cores, 2445 MHz, avx2 fma (no avx512/vnni)',
  );
  assert.equal(
    describeCpu({ ...base, cpuFeatures: ['avx2', 'fma', 'avx512f', 'avx512_vnni'] }),
    'AMD EPYC, 2 cores, avx2 fma avx512f avx512_vnni',
  );
  assert.equal(
    describeCpu({ ...base, cpuFeatures: ['avx2', 'avx_vnni'] }),
    'AMD EPYC, 2 cores, avx2 avx_vnni (no avx512)',
  );
  // A record from before the fields existed reads as it always did.
  assert.equal(describeCpu(base), 'AMD EPYC, 2 cores');
});

test('describeMachine on this machine: cores, and on Linux the features and the clock', () => {
  const machine = describeMachine();
  assert.ok(machine.cores > 0);
  if (process.platform !== 'linux') return;
  assert.ok(Array.isArray(machine.cpuFeatures));
  assert.ok((machine.cpuMhz ?? 0) > 0);
});
