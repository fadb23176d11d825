/** Progress bars for anything that takes more than a second (cli-progress, on stderr). */
import cliProgress from 'cli-progress';
import type { PullProgress } from '../registry/index.js';

export function createPullProgressBar(): { update: (p: PullProgress) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  const quiet = !process.stderr.isTTY && process.env.VOXFLEET_PROGRESS !== '1';
  return {
    update(p) {
      const label = `${p.model}@${p.version}`;
      if (quiet) {
        if (label !== current) process.stderr.write(`pulling ${label} (${mb(p.bytesTotal)} MB)\n`);
        current = label;
        return;
      }
      if (label !== current) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          {
            format: `${label.padEnd(34)} {bar} {percentage}% | {done}/{total} MB | {phase} {file}`,
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(p.bytesTotal, 0, {
          done: '0',
          total: mb(p.bytesTotal),
          phase: p.phase,
          file: p.file,
        });
        current = label;
      }
      bar?.update(p.bytesDone, { done: mb(p.bytesDone), phase: p.phase, file: p.file });
    },
    stop() {
      bar?.stop();
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
