/**
 * `voxfleet capacity` against a running server: names the model and its version, prepares the
 * manifest (the dev set's clean items when none was given), runs one loadtest per search step
 * and load point, and builds the result.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invalidArgument } from '../../core/index.js';
import { compileLoadtestConfig, runLoadtest } from '../loadtest/index.js';
import { readManifest } from '../manifest.js';
import { describeMachine } from '../runner/machine.js';
import { fetchServedModels, findServedModel } from '../runner/server-info.js';
import type { CapacityConfig } from './capacity-config.js';
import {
  CAPACITY_RESULT_SCHEMA,
  type CapacityLoadPoint,
  type CapacityResult,
  type CapacityStep,
} from './capacity-types.js';
import { measureCapacity, type RunLoad } from './measure-capacity.js';

/** The tag that picks the default manifest's items. */
const DEFAULT_MANIFEST_TAG = 'clean';

export interface RunCapacityOptions {
  /** The server's URL (for --target local, the embedded server's). */
  readonly baseUrl: string;
  readonly onStep?: (frameMs: number, step: CapacityStep) => void;
  readonly onLoadPoint?: (frameMs: number, point: CapacityLoadPoint) => void;
}

export async function runCapacity(
  config: CapacityConfig,
  options: RunCapacityOptions,
): Promise<CapacityResult> {
  const served = findServedModel(await fetchServedModels(options.baseUrl), config.model);
  if (served === undefined)
    throw invalidArgument('model', `is not served by ${options.baseUrl}`, config.model);
  const scratch = await mkdtemp(join(tmpdir(), 'voxfleet-capacity-'));
  try {
    const manifest = config.manifestIsDefault
      ? await writeTaggedManifest(config.manifest, DEFAULT_MANIFEST_TAG, scratch)
      : config.manifest;
    const rows = await measureCapacity({
      frameMs: config.frameMs,
      maxStreams: config.maxStreams,
      slo: config.slo,
      runLoad: createLoadRunner(config, options.baseUrl, manifest),
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.onLoadPoint ? { onLoadPoint: options.onLoadPoint } : {}),
    });
    return {
      schema: CAPACITY_RESULT_SCHEMA,
      createdAt: new Date().toISOString(),
      model: { id: served.id, version: served.version },
      target: config.target === 'local' ? 'local' : options.baseUrl,
      manifest: config.manifest,
      machine: describeMachine(),
      slo: config.slo,
      stepDurationS: config.stepDurationMs / 1000,
      maxStreamsBound: config.maxStreams,
      rows,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One `runLoadtest` of the step duration, streams started at once, the model named. */
export function createLoadRunner(
  config: CapacityConfig,
  baseUrl: string,
  manifest: string,
): RunLoad {
  return async (frameMs, streams) => {
    const base = compileLoadtestConfig(
      {
        target: baseUrl,
        manifest,
        streams,
        durationS: config.stepDurationMs / 1000,
        drainS: config.stepDrainMs / 1000,
        model: config.model,
      },
      {},
    );
    // The loadtest CLI bounds frames to 100 ms; capacity rows go up to 320 ms and beyond.
    return runLoadtest({ ...base, frameMs });
  };
}

/** The manifest's items carrying `tag`, with absolute audio paths, as a file in `dir`. */
async function writeTaggedManifest(path: string, tag: string, dir: string): Promise<string> {
  const items = (await readManifest(path)).filter((i) => i.tags.includes(tag));
  if (items.length === 0) throw invalidArgument('manifest', `has no items tagged '${tag}'`, path);
  const out = join(dir, 'manifest.jsonl');
  const lines = items.map((i) =>
    JSON.stringify({
      id: i.id,
      audio: i.audioPath,
      text: i.text,
      tags: i.tags,
      ...(i.language !== undefined ? { language: i.language } : {}),
      ...(i.durationS !== undefined ? { duration_s: i.durationS } : {}),
    }),
  );
  await writeFile(out, `${lines.join('\n')}\n`);
  return out;
}
