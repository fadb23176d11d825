/**
 * The candidates part of `npm run bench:release`: runs the release tests on real parts (the
 * broken and slow tiny.en versions, whisper-base, two Piper voices; test/release-candidates,
 * release-shadow and release-voice) with VOXFLEET_RELEASE_REPORT set, so each records what its
 * rollout decided and every gate value the controller judged, and keeps them under `candidates`
 * in bench/results/release.json beside the rollback and shadow figures bench/release.ts wrote.
 *
 *   npm run bench:release:candidates      (alone; `npm run build` first)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable } from './print-table.js';

const OUT = 'bench/results/release.json';
const TESTS = [
  'test/release-candidates.test.ts',
  'test/release-shadow.test.ts',
  'test/release-voice.test.ts',
];

interface Judged {
  readonly step?: string;
  readonly action: string;
  readonly gates: {
    metric: string;
    compare: string;
    value: number | null;
    max: number;
    passed: boolean;
  }[];
}
interface Candidate {
  readonly candidate: string;
  readonly decision: string;
  readonly held_back?: string[];
  readonly judged: Judged[];
}

const dir = mkdtempSync(join(tmpdir(), 'vf-release-report-'));
const report = join(dir, 'candidates.json');
try {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=dot', ...TESTS],
    { stdio: 'inherit', env: { ...process.env, VOXFLEET_RELEASE_REPORT: report } },
  );
  if (run.status !== 0) throw new Error(`the release tests failed (exit ${run.status})`);
  const { candidates, machine, measuredAt } = JSON.parse(readFileSync(report, 'utf8')) as {
    candidates: Record<string, Candidate>;
    machine: unknown;
    measuredAt: string;
  };
  const previous = existsSync(OUT) ? (JSON.parse(readFileSync(OUT, 'utf8')) as object) : {};
  writeFileSync(
    OUT,
    JSON.stringify(
      { ...previous, candidates, candidates_measured: { at: measuredAt, machine } },
      null,
      2,
    ) + '\n',
  );
  printTable(
    ['candidate', 'gates judged (value / max)', 'decision'],
    Object.entries(candidates).map(([name, c]) => [
      name,
      c.judged
        .flatMap((j) =>
          j.gates.map(
            (g) =>
              `${j.step ?? ''} ${g.metric}${g.compare === 'value' ? '' : ` (${g.compare})`} ${g.value ?? 'n/a'} / ${g.max}${g.passed ? '' : ' FAIL'}`,
          ),
        )
        .join('; '),
      `${c.decision}${c.held_back ? ` (${c.held_back.join(', ')} held back)` : ''}`,
    ]),
  );
  console.log(`wrote candidates into ${OUT}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
