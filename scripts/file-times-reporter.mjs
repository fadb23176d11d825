// A node:test reporter that says where the test time goes, file by file: `npm test` has a
// 20-minute budget on 2 cores, and the spec reporter's per-test durations leave out `before`
// hooks, server start-up and model loading. The runner reports each test file as a test of its
// own, named by its path: dequeued when its process starts, complete when it has ended. Prints
// the files, slowest first, with their share of the run.
export default async function* fileTimes(source) {
  const started = Date.now();
  /** file -> when its process started, then how long it ran. */
  const began = new Map();
  const took = new Map();
  for await (const event of source) {
    const file = event.data?.file;
    if (file === undefined || event.data.name !== file) continue;
    if (event.type === 'test:dequeue') began.set(file, Date.now());
    else if (event.type === 'test:complete' && began.has(file))
      took.set(file, Date.now() - began.get(file));
  }
  const total = Date.now() - started;
  yield `\nwall time per test file (${(total / 1000).toFixed(0)} s in all):\n`;
  for (const [file, ms] of [...took].sort((a, b) => b[1] - a[1])) {
    const share = ((100 * ms) / total).toFixed(1).padStart(5);
    yield `${(ms / 1000).toFixed(1).padStart(7)} s ${share} %  ${file.replace(`${process.cwd()}/`, '')}\n`;
  }
}
