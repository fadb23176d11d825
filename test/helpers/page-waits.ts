/** Waits on what a console page shows, by data-testid: conditions, never fixed sleeps. */
import type { Page } from 'playwright-core';
import type { PageScope } from './page-scope.js';

export async function waitForAttribute(
  page: Page,
  testId: string,
  attribute: string,
  value: string,
  timeoutMs = 30_000,
): Promise<void> {
  await page.waitForFunction(
    ([id, name, want]) =>
      (globalThis as unknown as PageScope).document
        .querySelector(`[data-testid=${id}]`)
        ?.getAttribute(name) === want,
    [testId, attribute, value] as const,
    { timeout: timeoutMs },
  );
}

/** Until the element's text, read as a number, is at least `min`. */
export async function waitForNumberAtLeast(
  page: Page,
  testId: string,
  min: number,
  timeoutMs = 30_000,
): Promise<void> {
  await page.waitForFunction(
    ([id, least]) =>
      Number(
        (globalThis as unknown as PageScope).document.querySelector(`[data-testid=${id}]`)
          ?.textContent,
      ) >= least,
    [testId, min] as const,
    { timeout: timeoutMs },
  );
}
