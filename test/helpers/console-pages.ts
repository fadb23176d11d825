/**
 * Pages of the web console in a real Chromium, with every console error and uncaught exception
 * collected so a test can assert there were none. Screenshots go to $VOXFLEET_SCREENSHOTS when
 * it is set (`npm run docs:screenshots` writes docs/img this way).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

export const SCREEN = { width: 1280, height: 800 } as const;

/** Builds the console when it has not been built (a test run without `npm run build`). */
export function ensureConsoleBuilt(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'console', 'index.html'))) return;
  const r = spawnSync('npx', ['vite', 'build', '--config', 'console/vite.config.ts'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('building the console failed');
}

export class ConsolePages {
  /** "page: message" for each console error or uncaught exception, on any page. */
  readonly errors: string[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly baseUrl: string,
  ) {}

  async open(view: string): Promise<Page> {
    const page = await this.browser.newPage({ viewport: SCREEN });
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`${view}: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.errors.push(`${view}: ${e.message}`));
    // tsx compiles the test's page functions keeping their names through an `__name` helper
    // that exists only in Node; give the page a stand-in.
    await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
    await page.goto(`${this.baseUrl}/#/${view}`);
    return page;
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.VOXFLEET_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(resolve(REPO_ROOT, dir), { recursive: true });
  await page.screenshot({ path: resolve(REPO_ROOT, dir, `${name}.png`) });
}
