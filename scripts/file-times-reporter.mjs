// A node:test reporter that says where the test time goes, file by file: `npm test` has a
// 20-minute budget on 2 cores, and the spec reporter's per-test durations leave out `before`
// hooks, server start-up and model loading. Files run one at a time (integration), so a file's
// time is from the last event of the file before it to its own last event. Prints the files,
// slowest first, with their share of the run.
export default async function* fileTimes(source) {
  const started = Date.now();
  /** file -> time of its last event, in arrival order. */
  const last = new Map();
  for await (const event of source) {
    const file = event.data?.file;
    if (file === undefined) continue;
    last.set(file, Date.now());
  }
  let previous = started;
  const spans = [...last].map(([file, at]) => {
    const span = { file, ms: at - previous };
    previous = at;
    return span;
  });
  const total = Date.now() - started;
  yield `\nwall time per test file (${(total / 1000).toFixed(0)} s in all):\n`;
  for (const { file, ms } of spans.sort((a, b) => b.ms - a.ms)) {
    const share = ((100 * ms) / total).toFixed(1).padStart(5);
    yield `${(ms / 1000).toFixed(1).padStart(7)} s ${share} %  ${file.replace(`${process.cwd()}/`, '')}\n`;
  }
}
