import type { Command } from 'commander';
import { defaultDataDir, invalidArgument } from '../../core/index.js';
import { attachEvalReports, openModelStore, publishModel } from '../../registry/index.js';
import { parsePlan } from '../../release/index.js';
import { createPullProgressBar } from '../progress.js';

interface StoreOpts {
  dataDir?: string;
  mirror?: string;
  registryUrl?: string;
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('install, list, verify and remove models');
  const store = (o: StoreOpts) => openModelStore(o.dataDir ?? defaultDataDir());
  const withStore = (c: Command): Command =>
    c.option('--data-dir <dir>', 'model install folder (env VOXFLEET_DATA_DIR)');

  withStore(models.command('pull').argument('<names...>', 'model names or aliases'))
    .description('download (mirror first), verify every sha256 and install atomically')
    .option('--mirror <dir>', 'mirror folder (env VOXFLEET_MODEL_MIRROR)')
    .option('--registry-url <url>', 'registry base URL (env VOXFLEET_REGISTRY_URL)')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      for (const name of names) {
        const bar = createPullProgressBar();
        const result = await s.pull(name, {
          ...(o.mirror !== undefined ? { mirrorDir: o.mirror } : {}),
          ...(o.registryUrl !== undefined ? { registryUrl: o.registryUrl } : {}),
          onProgress: bar.update,
        });
        bar.stop();
        console.log(`${result.model.ref}: ${result.outcome}`);
      }
    });

  withStore(models.command('list'))
    .description('installed models (*), then catalog models not installed')
    .option('--json', 'machine-readable output')
    .action((o: StoreOpts & { json?: boolean }) => {
      const s = store(o);
      const installed = s.list();
      const rows = [
        ...installed.map((m) => ({
          name: m.name,
          version: m.version,
          kind: m.manifest.kind,
          installed: true,
          aliases: m.manifest.aliases.join(','),
        })),
        ...s.catalog.models
          .filter((m) => !installed.some((i) => i.name === m.name && i.version === m.version))
          .map((m) => ({
            name: m.name,
            version: m.version,
            kind: m.kind,
            installed: false,
            aliases: m.aliases.join(','),
          })),
      ];
      if (o.json === true) console.log(JSON.stringify(rows, null, 2));
      else
        for (const r of rows)
          console.log(
            `${r.installed ? '*' : ' '} ${`${r.name}@${r.version}`.padEnd(32)} ${r.kind.padEnd(5)} ${r.aliases}`,
          );
    });

  withStore(
    models.command('verify').argument('[names...]', 'models to verify (default: all installed)'),
  )
    .description('re-hash every file of installed models against their manifests')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      const refs = names.length > 0 ? names : s.list().map((m) => m.ref);
      let bad = 0;
      for (const ref of refs) {
        const report = await s.verify(ref);
        console.log(`${report.ref}: ${report.ok ? 'ok' : 'FAILED'}`);
        for (const f of report.problems) console.log(`  ${f.path}: ${f.status}`);
        if (!report.ok) bad++;
      }
      if (bad > 0) process.exitCode = 1;
    });

  models
    .command('publish')
    .argument('<dir>', 'folder holding manifest.json (schemaVersion 2) and the files it lists')
    .requiredOption('--registry <dir>', 'file-system registry to add the version to')
    .description(
      'verify every file against the manifest, then add the version to a registry atomically; ' +
        're-publishing the same version is a no-op, other content under it fails (VERSION_IMMUTABLE)',
    )
    .action(async (dir: string, o: { registry: string }) => {
      // The release role owns the plan format; publish checks the plan with its parser.
      const r = await publishModel(dir, o.registry, { checkRolloutPlan: parsePlan });
      const digest = `manifest sha256 ${r.manifestSha256}`;
      console.log(
        r.outcome === 'published'
          ? `${r.ref}: published to ${r.dir} (${r.files} files, ${r.bytes} bytes; ${digest})`
          : `${r.ref}: already published with identical content (${digest}); nothing written`,
      );
      if (r.unlisted.length > 0)
        console.log(`  not in the manifest, left out: ${r.unlisted.join(', ')}`);
    });

  models
    .command('attach-eval')
    .argument('<dir>', 'model folder holding manifest.json')
    .option('--eval <result.json>', 'report written by voxfleet eval for this model version')
    .option(
      '--capacity <capacity.json>',
      'report written by voxfleet capacity for this model version',
    )
    .description(
      "copy eval reports into the model folder, list them in the manifest's files and write their summaries into its eval block",
    )
    .action(async (dir: string, o: { eval?: string; capacity?: string }) => {
      if (o.eval === undefined && o.capacity === undefined)
        throw invalidArgument('eval', 'give --eval, --capacity or both');
      const m = await attachEvalReports(dir, {
        ...(o.eval !== undefined ? { quality: o.eval } : {}),
        ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
      });
      for (const part of [m.eval?.quality, m.eval?.capacity])
        if (part !== undefined) console.log(`${m.name}@${m.version}: ${part.report} attached`);
    });

  withStore(models.command('rm').argument('<names...>', 'name or name@version'))
    .description('remove installed models')
    .action(async (names: string[], o: StoreOpts) => {
      const s = store(o);
      for (const n of names)
        for (const removed of await s.remove(n)) console.log(`removed ${removed}`);
    });
}
