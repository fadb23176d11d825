/**
 * Launches the system's Chromium (Debian's `chromium` package) through playwright-core, with a
 * fake microphone that plays a WAV file: real speech into the console's live captions. When no
 * Chromium is installed, scripts/ensure-chromium.sh installs it first.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT } from './paths.js';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

function findOnPath(): string | undefined {
  if (process.env.VOXFLEET_CHROMIUM) return process.env.VOXFLEET_CHROMIUM;
  for (const name of NAMES) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = r.stdout.trim();
    if (r.status === 0 && path !== '') return path;
  }
  return undefined;
}

export function findChromium(): string {
  const found = findOnPath();
  if (found !== undefined) return found;
  const install = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'ensure-chromium.sh')], {
    stdio: 'inherit',
  });
  const installed = install.status === 0 ? findOnPath() : undefined;
  if (installed === undefined)
    throw new Error(
      'Chromium is missing and could not be installed: run scripts/ensure-chromium.sh',
    );
  return installed;
}

export interface LaunchOptions {
  /** A WAV file the fake microphone plays once (then silence). */
  readonly fakeMicWav?: string;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const args = ['--autoplay-policy=no-user-gesture-required'];
  if (options.fakeMicWav !== undefined) {
    args.push(
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${options.fakeMicWav}%noloop`,
    );
  }
  return chromium.launch({ executablePath: findChromium(), args });
}
