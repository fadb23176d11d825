/**
 * Where the built web console is: dist/console beside the compiled CLI (the package as shipped),
 * or the checkout's dist/console when the CLI runs from the TypeScript sources (tests, tsx).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CANDIDATES = ['../console/', '../../dist/console/'];

/** The first candidate holding an index.html, or undefined when the console was not built. */
export function findConsoleDir(): string | undefined {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}
