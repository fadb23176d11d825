/**
 * The web console in a real Chromium against a real server and real models: live captions from
 * a fake microphone playing a dev-set recording, a dropped file, streamed speech, and the fleet
 * view watching the stream the test opened. One server, one browser, every view.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { normalizeText, wordErrorRate } from '../src/eval/index.js';
import { launchChromium } from './helpers/chromium.js';
import { ConsolePages, ensureConsoleBuilt, screenshot } from './helpers/console-pages.js';
import { readItems } from './helpers/manifest.js';
import type { PageAudio, PageScope } from './helpers/page-scope.js';
import { waitForAttribute, waitForNumberAtLeast } from './helpers/page-waits.js';
import { DEV_AUDIO, REPO_ROOT } from './helpers/paths.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const jfk = readItems(DEV_AUDIO).find((i) => i.id === 'jfk')!;
/** tiny.en gets 0-2 of these 22 words wrong live (phrase cuts vary with timing and load). */
const MAX_CAPTION_WER = 0.2;

let server: TestServer;
let browser: Browser;
let pages: ConsolePages;

before(async () => {
  ensureConsoleBuilt();
  [server, browser] = await Promise.all([
    startTestServer({ logLevel: 'warn' }),
    launchChromium({ fakeMicWav: jfk.audio }),
  ]);
  pages = new ConsolePages(browser, server.url);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Everything the console ships must stay small enough to load at once on a slow link. */
const MAX_CONSOLE_GZIP_BYTES = 300 * 1024;

test('the built console is under 300 kB gzipped', () => {
  const dir = join(REPO_ROOT, 'dist', 'console');
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) =>
    f.isFile(),
  );
  const gzipBytes = files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(f.parentPath, f.name)), { level: 9 }).length,
    0,
  );
  assert.ok(gzipBytes < MAX_CONSOLE_GZIP_BYTES, `${gzipBytes} bytes gzipped`);
});

/** Records every change of the shown stable text (and when any caption text first appeared). */
async function watchCaptions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = globalThis as unknown as PageScope;
    scope.stableLog = [];
    const line = scope.document.querySelector('.current')!;
    const log = scope.document.querySelector('[data-testid=live-finals]')!;
    const record = (): void => {
      const stable = line.querySelector('.stable')?.textContent ?? '';
      const shown = (line.textContent ?? '') + (log.textContent ?? '');
      if (scope.firstCaptionMs === undefined && shown.trim() !== '')
        scope.firstCaptionMs = scope.performance.now();
      const utterance = Number(line.getAttribute('data-utterance'));
      const last = scope.stableLog.at(-1);
      if (last?.utterance !== utterance || last.stable !== stable)
        scope.stableLog.push({ utterance, stable });
    };
    const observer = new scope.MutationObserver(record);
    for (const el of [line, log])
      observer.observe(el, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
  });
}

test('live captions: the fake microphone is captioned, stable text never shrinks, the fleet sees the stream', async (t) => {
  const live = await pages.open('live');
  await watchCaptions(live);
  const fleet = await pages.open('fleet');
  const clickedAt = await live.evaluate(() =>
    (globalThis as unknown as PageScope).performance.now(),
  );
  await live.getByTestId('live-start').click();

  // While the stream runs, the fleet view counts it against the worker's capacity.
  await waitForNumberAtLeast(fleet, 'fleet-active-streams', 1);

  // The recording ends (then silence): wait for the final that covers its last words.
  await live.waitForFunction(
    (endS) =>
      Array.from(
        (globalThis as unknown as PageScope).document.querySelectorAll(
          '[data-testid=live-finals] li',
        ),
      ).some((li) => Number(li.getAttribute('data-end-s')) >= endS),
    jfk.duration_s - 1.5,
    { timeout: 30_000 },
  );
  await screenshot(live, 'console-live');
  const captions = (
    await live.getByTestId('live-finals').locator('.final-text').allTextContents()
  ).join(' ');
  const wer = wordErrorRate(normalizeText(jfk.text), normalizeText(captions)).wer;
  const firstCaptionMs = await live.evaluate(
    (t0) => ((globalThis as unknown as PageScope).firstCaptionMs ?? NaN) - t0,
    clickedAt,
  );
  t.diagnostic(
    `caption WER ${wer.toFixed(3)}; first caption ${Math.round(firstCaptionMs)} ms after Start`,
  );
  assert.ok(wer <= MAX_CAPTION_WER, `WER ${wer} for "${captions}"`);
  assert.ok(firstCaptionMs > 0, 'a caption appeared');

  const log = await live.evaluate(() => (globalThis as unknown as PageScope).stableLog);
  assert.ok(
    log.some((o) => o.stable !== ''),
    'stable text was shown while speech went on',
  );
  for (let i = 1; i < log.length; i++) {
    const [prev, cur] = [log[i - 1]!, log[i]!];
    if (cur.utterance === prev.utterance)
      assert.ok(
        cur.stable.startsWith(prev.stable),
        `stable text shrank: "${prev.stable}" -> "${cur.stable}"`,
      );
  }
  assert.match((await live.getByTestId('live-final-ms').textContent()) ?? '', /\d+ ms/);

  await live.getByTestId('live-stop').click();
  await waitForAttribute(live, 'live-status', 'data-status', 'idle');
  // The finished session is counted once it has ended.
  await waitForNumberAtLeast(fleet, 'fleet-streams-served', 1);
  await Promise.all([live.close(), fleet.close()]);
});

test('files: a dropped file gives the REST API transcript; words play from their time; downloads', async () => {
  const page = await pages.open('files');
  const bytes = readFileSync(jfk.audio);
  const dataTransfer = await page.evaluateHandle((b64) => {
    const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new (globalThis as unknown as PageScope).DataTransfer();
    dt.items.add(new File([data], 'jfk.wav', { type: 'audio/wav' }));
    return dt;
  }, bytes.toString('base64'));
  await page.getByTestId('file-dropzone').dispatchEvent('drop', { dataTransfer });
  await waitForAttribute(page, 'file-status', 'data-status', 'done');
  const shown = (await page.locator('.segment-text').allTextContents()).join(' ');

  const form = new FormData();
  form.append('file', new Blob([bytes]), 'jfk.wav');
  form.append('response_format', 'verbose_json');
  const rest = (await (
    await fetch(`${server.url}/v1/audio/transcriptions`, { method: 'POST', body: form })
  ).json()) as { text: string };
  assert.equal(normalizeText(shown), normalizeText(rest.text));

  // Clicking a word plays the audio from there and highlights the word being played.
  const word = page.locator('.word').nth(6);
  await word.click();
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as PageScope;
    const audio = document.querySelector('[data-testid=file-audio]') as PageAudio;
    return (
      !audio.paused && audio.currentTime > 1 && document.querySelector('.word.current') !== null
    );
  });
  await screenshot(page, 'console-files');
  await page.getByTestId('file-audio').evaluate((a) => (a as unknown as PageAudio).pause());

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'srt' }).click(),
  ]);
  const srt = readFileSync(await download.path(), 'utf8');
  assert.match(srt, /^1\n00:00:\d\d,\d{3} --> 00:00:\d\d,\d{3}\n/);
  await page.close();
});

test('speech: audio plays while it streams, with the time to first audio shown', async () => {
  const page = await pages.open('speech');
  await page
    .getByTestId('speech-text')
    .fill('Hello from voxfleet. The console speaks while it synthesises.');
  await page.getByTestId('speech-speak').click();
  await waitForAttribute(page, 'speech-duration', 'data-done', 'true');
  const decodedS = Number(await page.getByTestId('speech-duration').getAttribute('data-seconds'));
  assert.ok(decodedS > 1, `decoded ${decodedS} s of speech`);
  assert.match((await page.getByTestId('speech-first-audio-ms').textContent()) ?? '', /\d+ ms/);
  await screenshot(page, 'console-speech');
  await page.close();
});

test('fleet: workers, latency and errors from the metrics; no console errors anywhere', async () => {
  const page = await pages.open('fleet');
  await waitForAttribute(page, 'fleet-feed', 'data-state', 'live');
  const workers = await page.getByTestId('fleet-workers').innerText();
  assert.match(workers, /ready/);
  assert.match(workers, /whisper-tiny\.en/);
  assert.equal((await page.locator('.chart canvas').count()) >= 3, true, 'three uPlot charts');
  await screenshot(page, 'console-fleet');
  // The theme follows the system live: charts are rebuilt with the dark palette, no reload.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() =>
    Array.from((globalThis as unknown as PageScope).document.querySelectorAll('.chart')).every(
      (chart) => chart.getAttribute('data-scheme') === 'dark',
    ),
  );
  await screenshot(page, 'console-fleet-dark');
  // Keyboard: the views are links; Tab reaches them and Enter follows one.
  await page.keyboard.press('Tab'); // the skip link
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/live$/);
  await page.getByRole('heading', { name: 'Live captions' }).waitFor();
  await page.close();
  assert.deepEqual(pages.errors, []);
});
