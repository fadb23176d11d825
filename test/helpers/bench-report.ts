/**
 * Figures integration tests measure on real parts, kept for a bench command that runs them
 * (`npm run test:chaos`, `npm run bench:release`). Written only when the named environment
 * variable names a file, so a plain `npm test` writes nothing. Each test merges its entry into
 * the file (read, add, write): the files run one after another.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describeMachine } from '../../src/eval/index.js';

export function recordInReport(
  envVar: string,
  section: string,
  name: string,
  entry: unknown,
): void {
  const file = process.env[envVar];
  if (file === undefined || file === '') return;
  const report = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  const entries = {
    ...((report[section] as Record<string, unknown> | undefined) ?? {}),
    [name]: entry,
  };
  writeFileSync(
    file,
    JSON.stringify(
      { measuredAt: new Date().toISOString(), machine: describeMachine(), [section]: entries },
      null,
      2,
    ) + '\n',
  );
}
