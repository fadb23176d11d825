/**
 * Starts a worker thread on an entry module that sits beside the calling module, both from the
 * compiled package (dist/, plain JavaScript) and from the TypeScript sources under tsx (tests and
 * benches run `node --import tsx`).
 *
 * Why the sources need a bootstrap (measured on Node 20.20): a worker inherits the parent's
 * execArgv, so `--import tsx` does run in the thread, but the thread's *entry* module is not
 * loaded through tsx's hooks. `new Worker(new URL('./x.ts', import.meta.url))` fails with
 * "Unknown file extension '.ts'", and `./x.js` names a file that does not exist in src/ (tsx maps
 * `.js` to `.ts` only for imports). Passing `execArgv: ['--import', 'tsx']` explicitly changes
 * nothing. So for a `.ts` entry the thread starts from a one-line eval bootstrap that loads tsx's
 * ESM API and imports the entry with `tsImport`, which registers tsx's hooks for that import graph
 * only; the entry's own `./y.js` imports then resolve to `.ts` as everywhere else in the sources.
 * tsx is a devDependency and is resolved on this path only, which exists only when running the
 * sources (tsx is then loaded by definition). From dist/ the entry is a `.js` file and the worker
 * starts on it directly, with no bootstrap and no tsx.
 */
import { Worker } from 'node:worker_threads';

/**
 * The URL of the entry module `name` (no extension) beside `callerUrl` (pass
 * `import.meta.url`): `name.ts` when the caller is itself a `.ts` module, else `name.js`.
 */
export function threadEntryUrl(name: string, callerUrl: string): URL {
  const extension = new URL(callerUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./${name}${extension}`, callerUrl);
}

/** Starts one thread on `entry` with `workerData`; see the module comment for `.ts` entries. */
export function spawnThread(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` +
    `.then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}
